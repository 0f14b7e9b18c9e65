/**
 * Runs a job for "the latest state" at most once per interval, never two at
 * a time: requests that come in while one runs (or while waiting out the
 * interval) collapse into a single later run, which reads the state as it is
 * then. Used to encode a drawing live without flooding the worker.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Coalescer<R> {
  readonly #job: () => Promise<R> | null;
  readonly #onResult: (outcome: { ok: true; value: R } | { ok: false; error: Error }) => void;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  #inFlight = false;
  #wanted = false;
  #lastStart = -Infinity;
  #timer: unknown = null;
  /** Bumped by cancel(): a run started before it reports nothing. */
  #epoch = 0;

  /**
   * `job` starts one run and returns its promise, or null when there is
   * nothing to do now (then nothing is in flight). `onResult` hears the outcome
   * of every run not cancelled meanwhile.
   */
  constructor(
    job: () => Promise<R> | null,
    onResult: (outcome: { ok: true; value: R } | { ok: false; error: Error }) => void,
    intervalMs: number,
    clock: Clock = realClock,
  ) {
    this.#job = job;
    this.#onResult = onResult;
    this.#intervalMs = intervalMs;
    this.#clock = clock;
  }

  /** True while a run's promise has not settled. */
  get inFlight(): boolean {
    return this.#inFlight;
  }

  /** Asks for a run; `now` skips the wait for the interval (a stroke just ended). */
  request(now = false): void {
    this.#wanted = true;
    if (this.#inFlight) return; // the run after this one picks the request up
    const wait = now ? 0 : Math.max(0, this.#lastStart + this.#intervalMs - this.#clock.now());
    if (wait === 0) {
      this.#clearTimer();
      this.#start();
    } else if (this.#timer === null) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = null;
        this.#start();
      }, wait);
    }
  }

  /** Forgets what was asked for; a run under way still settles but reports nothing. */
  cancel(): void {
    this.#epoch++;
    this.#wanted = false;
    this.#clearTimer();
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #start(): void {
    if (!this.#wanted || this.#inFlight) return;
    this.#wanted = false;
    const promise = this.#job();
    if (!promise) return;
    this.#inFlight = true;
    this.#lastStart = this.#clock.now();
    const epoch = this.#epoch;
    promise.then(
      (value) => this.#settled(epoch, { ok: true, value }),
      (error: unknown) => this.#settled(epoch, { ok: false, error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }

  #settled(epoch: number, outcome: { ok: true; value: R } | { ok: false; error: Error }): void {
    this.#inFlight = false;
    if (epoch === this.#epoch) this.#onResult(outcome);
    if (this.#wanted) this.request();
  }
}
