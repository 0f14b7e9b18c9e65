/**
 * Watches the per-step −ELBO (reconstruction + KL, unweighted, so changing β
 * does not move it) for a run that explodes while staying finite: a value far
 * above the median of the run's own recent healthy steps. A learning rate of
 * 0.5 with Adam takes −ELBO from ≈540 to ≈1e11 in one step; ordinary batch
 * noise stays within a few tens of percent.
 */
export interface RunawayVerdict {
  /** The first step of the excursion: weights from before it are the ones to go back to. */
  onset: number;
  /** Median −ELBO of the recent healthy steps. */
  typical: number;
  value: number;
}

/** This many times the typical value is a runaway. */
export const RUNAWAY_FACTOR = 10;
/** Above this many times the typical value a step is suspect: it starts an excursion and is kept out of the median. */
export const SUSPECT_FACTOR = 3;
const WINDOW = 100;

export class RunawayDetector {
  #healthy: number[] = [];
  #onset: number | null = null;

  /** Call with every step's −ELBO in step order; returns a verdict when the run has run away. */
  observe(step: number, negElbo: number): RunawayVerdict | null {
    if (!Number.isFinite(negElbo)) return { onset: this.#onset ?? step, typical: this.typical(), value: negElbo };
    if (this.#healthy.length === 0) {
      this.#healthy.push(negElbo);
      return null;
    }
    const typical = this.typical();
    if (negElbo > RUNAWAY_FACTOR * typical) return { onset: this.#onset ?? step, typical, value: negElbo };
    if (negElbo > SUSPECT_FACTOR * typical) {
      this.#onset ??= step;
      return null;
    }
    this.#onset = null;
    this.#healthy.push(negElbo);
    if (this.#healthy.length > WINDOW) this.#healthy.shift();
    return null;
  }

  /** Median of the recent healthy values (NaN before the first). */
  typical(): number {
    const n = this.#healthy.length;
    if (n === 0) return Number.NaN;
    const sorted = [...this.#healthy].sort((a, b) => a - b);
    return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Forget the history: after a rollback, or when the loss changes meaning (another reconstruction loss). */
  reset(): void {
    this.#healthy = [];
    this.#onset = null;
  }
}
