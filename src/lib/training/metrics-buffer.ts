import type { StepMetrics } from './protocol';

const RATE_WINDOW_MS = 3000;

/** Step metrics waiting to go to the page, and the training rate they imply. */
export class MetricsBuffer {
  #steps: StepMetrics[] = [];
  #completions: number[] = [];

  push(metrics: StepMetrics, now: number): void {
    this.#steps.push(metrics);
    this.#completions.push(now);
    while (this.#completions.length > 2 && now - this.#completions[0] > RATE_WINDOW_MS) this.#completions.shift();
  }

  get size(): number {
    return this.#steps.length;
  }

  /** The buffered steps, emptying the buffer. */
  take(): StepMetrics[] {
    const steps = this.#steps;
    this.#steps = [];
    return steps;
  }

  samplesPerSecond(batch: number): number {
    const n = this.#completions.length;
    if (n < 2) return 0;
    const seconds = (this.#completions[n - 1] - this.#completions[0]) / 1000;
    return seconds > 0 ? ((n - 1) * batch) / seconds : 0;
  }

  /** The rate restarts after a pause, a rollback or a new model. */
  resetRate(): void {
    this.#completions = [];
  }
}
