import * as tf from '@tensorflow/tfjs-core';

/** One read-back in flight: the [recon, KL, β] of consecutive steps, in one tensor. */
export interface LossRead {
  /** The step each triple belongs to, in order. */
  steps: number[];
  stats: tf.Tensor;
  read: Promise<ArrayLike<number>>;
}

/**
 * Each training step leaves its loss statistics on the device; they come back
 * to the CPU `batch` steps at a time in one asynchronous read. On a GPU every
 * read is a fence and a download, so batching them keeps the device busy; on
 * wasm and cpu the values are already in host memory and the batch is 1.
 */
export class LossReads {
  #unread: { step: number; stats: tf.Tensor1D }[] = [];
  #inFlight: LossRead[] = [];

  /** `batch()`: steps per read for the backend in use now. */
  constructor(private readonly batch: () => number) {}

  /** Reads begun and not yet settled. */
  get inFlight(): number {
    return this.#inFlight.length;
  }

  /** Loss tensors this holds (not leaks: the tensor count leaves them out). */
  get heldTensors(): number {
    return this.#unread.length + this.#inFlight.length;
  }

  get empty(): boolean {
    return this.heldTensors === 0;
  }

  /**
   * Takes one step's statistics; starts a read once a batch is complete, or at
   * once when no read is under way (the first step of a run shows without delay).
   */
  push(step: number, stats: tf.Tensor1D): void {
    this.#unread.push({ step, stats });
    if (this.#unread.length >= this.batch() || this.#inFlight.length === 0) this.flush();
  }

  /** Starts a read for the steps not yet being read (before draining, or when stopping). */
  flush(): void {
    if (this.#unread.length === 0) return;
    const batch = this.#unread;
    this.#unread = [];
    const stats = batch.length === 1 ? batch[0].stats : tf.concat(batch.map((b) => b.stats));
    if (batch.length > 1) for (const b of batch) b.stats.dispose();
    const read = stats.data();
    // Awaited later (reads are pipelined); until then a failure must not count as unhandled.
    read.catch(() => {});
    this.#inFlight.push({ steps: batch.map((b) => b.step), stats, read });
  }

  /** The oldest read in flight, still queued (settle it with `dropOldest` once read). */
  oldest(): LossRead | undefined {
    return this.#inFlight[0];
  }

  dropOldest(): void {
    this.#inFlight.shift()?.stats.dispose();
  }

  /** Disposes everything unread or in flight. */
  dispose(): void {
    try {
      for (const held of [...this.#unread, ...this.#inFlight]) held.stats.dispose();
    } catch {
      // Tensors of a lost GPU context may refuse; they are gone either way.
    }
    this.#unread = [];
    this.#inFlight = [];
  }
}
