/**
 * A periodic job (a snapshot, a checkpoint, the test codes) that runs every
 * `everyMs`, or less often when one run is slow, so that it takes at most
 * `share` of the time: on a software GPU a single read-back can take longer
 * than the period itself and would otherwise starve training.
 */
export class TimeShare {
  #lastAt = 0;
  #interval: number;

  constructor(
    private readonly everyMs: number,
    private readonly share: number,
  ) {
    this.#interval = everyMs;
  }

  due(now = performance.now()): boolean {
    return now - this.#lastAt > this.#interval;
  }

  /** A run began at `at`: the next is due an interval later. */
  began(at: number): void {
    this.#lastAt = at;
  }

  /** The run that began at `at` ends now: the interval grows to keep its share. */
  ended(at: number): void {
    this.#interval = Math.max(this.everyMs, (performance.now() - at) / this.share);
  }
}
