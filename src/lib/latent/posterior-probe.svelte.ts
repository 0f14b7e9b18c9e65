import type { TrainingClient } from '../training/client.svelte';
import type { ProbeResult } from '../training/protocol';

/** A test image's index (−1: none) or a drawing's 784 grey values. */
export type ProbeTarget = number | Float32Array;

let drawings = 0;

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
  /** A test image's index (−1: none) or a drawing's pixels. */
  #target: ProbeTarget = -1;
  /** Drawings get a number each, so a new drawing is asked for at once. */
  readonly #drawingIds = new WeakMap<Float32Array, number>();
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
   * The wanted image (a test image's index, −1 for none, or a drawing's
   * pixels) under run `run`. A new image or run is asked for at once; the
   * same one again (the weights moved) waits out the interval.
   */
  want(target: ProbeTarget, run: string): void {
    const drawingChanged = typeof target !== 'number' && target !== this.#target;
    const none = typeof target === 'number' && target < 0;
    if (run !== this.#run || none || drawingChanged) this.#result = null;
    this.#target = target;
    this.#run = run;
    if (none) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#error = null;
      return;
    }
    if (this.#busy) {
      this.#again = true;
      return;
    }
    const changed = this.#asked !== `${this.#key(target)}@${run}`;
    const wait = changed ? 0 : Math.max(0, PROBE_REFRESH_MS - (performance.now() - this.#lastAt));
    if (this.#timer !== undefined && !changed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#ask(), wait);
  }

  async #ask(): Promise<void> {
    this.#timer = undefined;
    const target = this.#target;
    const run = this.#run;
    if (typeof target === 'number' && target < 0) return;
    this.#busy = true;
    this.#asked = `${this.#key(target)}@${run}`;
    this.#lastAt = performance.now();
    const previous = this.#result;
    const same = previous && (typeof target === 'number' ? previous.image.index === target : previous.image.index === -1);
    const hint = same ? (previous.grid?.window ?? null) : null;
    try {
      const result = typeof target === 'number' ? await this.#client.probeTestImage(target, hint) : await this.#client.probePixels(target, hint);
      if (target === this.#target && run === this.#run) {
        this.#result = result;
        this.#error = null;
      }
    } catch (error) {
      if (target === this.#target && run === this.#run) this.#error = error instanceof Error ? error.message : String(error);
    } finally {
      this.#busy = false;
    }
    if (this.#again) {
      this.#again = false;
      this.want(this.#target, this.#run);
    }
  }

  #key(target: ProbeTarget): string {
    if (typeof target === 'number') return String(target);
    let id = this.#drawingIds.get(target);
    if (id === undefined) this.#drawingIds.set(target, (id = ++drawings));
    return `drawing ${id}`;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#target = -1;
  }
}
