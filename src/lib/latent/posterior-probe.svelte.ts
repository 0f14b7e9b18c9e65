import type { TrainingClient } from '../training/client.svelte';
import type { ProbeResult } from '../training/protocol';

/** While training, the probed image is re-read at most this often. */
export const PROBE_REFRESH_MS = 1000;

/**
 * Keeps one probed test image's numbers fresh: asks the worker (through the
 * ordered request protocol) when the image or the run changes, and while
 * training at most once per PROBE_REFRESH_MS. Never more than one request in
 * flight; a change meanwhile is asked for when the reply is back.
 */
export class PosteriorProbe {
  readonly #client: TrainingClient;
  #result = $state.raw<ProbeResult | null>(null);
  #error = $state<string | null>(null);
  #index = -1;
  #run = '';
  /** The image and run of the last answer asked for: the same again waits out the interval. */
  #asked = '';
  #busy = false;
  #again = false;
  #lastAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(client: TrainingClient) {
    this.#client = client;
  }

  /** The latest answer for the image now selected (null while none). */
  get result(): ProbeResult | null {
    return this.#result;
  }

  get error(): string | null {
    return this.#error;
  }

  /**
   * The wanted image (−1: none) under run `run`. A new image or run is asked
   * for at once; the same one again (the weights moved) waits out the interval.
   */
  want(index: number, run: string): void {
    if (run !== this.#run || index < 0) this.#result = null;
    this.#index = index;
    this.#run = run;
    if (index < 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#error = null;
      return;
    }
    if (this.#busy) {
      this.#again = true;
      return;
    }
    const changed = this.#asked !== `${index}@${run}`;
    const wait = changed ? 0 : Math.max(0, PROBE_REFRESH_MS - (performance.now() - this.#lastAt));
    if (this.#timer !== undefined && !changed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#ask(), wait);
  }

  async #ask(): Promise<void> {
    this.#timer = undefined;
    const index = this.#index;
    const run = this.#run;
    if (index < 0) return;
    this.#busy = true;
    this.#asked = `${index}@${run}`;
    this.#lastAt = performance.now();
    const previous = this.#result;
    const hint = previous && previous.image.index === index ? (previous.grid?.window ?? null) : null;
    try {
      const result = await this.#client.probeTestImage(index, hint);
      if (index === this.#index && run === this.#run) {
        this.#result = result;
        this.#error = null;
      }
    } catch (error) {
      if (index === this.#index && run === this.#run) this.#error = error instanceof Error ? error.message : String(error);
    } finally {
      this.#busy = false;
    }
    if (this.#again) {
      this.#again = false;
      this.want(this.#index, this.#run);
    }
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#index = -1;
  }
}
