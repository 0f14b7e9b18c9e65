import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingData } from './dataset';
import type { EvalMetrics, StepMetrics } from './protocol';
import { Trainer, type TrainerSettings } from './trainer';

/** One β of a sweep, trained and measured on the test set. */
export interface SweepPoint {
  /** Position in the sweep's β list (0-based). */
  index: number;
  beta: number;
  /** The test numbers after the last epoch: rate = kl, distortion = recon. */
  test: EvalMetrics;
  /** Every training step of this run, and its test numbers after each epoch. */
  steps: StepMetrics[];
  evals: EvalMetrics[];
  /** How long this β took in the worker (ms). */
  millis: number;
}

/** Where a sweep stands: β `index` of `count`, `epoch` (1-based) of `epochs`, steps done of all the sweep's steps. */
export interface SweepProgress {
  index: number;
  count: number;
  epoch: number;
  epochs: number;
  stepsDone: number;
  stepsTotal: number;
}

export interface SweepSummary {
  /** β values trained to the end (their points were sent). */
  completed: number;
  cancelled: boolean;
}

export interface SweepOptions {
  betas: readonly number[];
  epochs: number;
  onPoint(point: SweepPoint): void;
  onProgress(progress: SweepProgress): void;
  /** Awaited between steps (the worker yields to its event loop there). */
  between(): Promise<void>;
  /** Checked between steps: true stops the sweep; the unfinished β is dropped, finished ones stay sent. */
  cancelled(): boolean;
}

const PROGRESS_EVERY_MS = 250;
/** Loss read-backs pending at once, as in the session's loop. */
const MAX_IN_FLIGHT = 2;

/**
 * Trains one fresh model per β, one after another: the same settings, seed
 * (so the same initial weights and batches) and data, only β differs. Each
 * model is disposed before the next is built, so the tensor count comes back
 * to where it was. The caller's own model is never touched.
 */
export async function runSweep(data: TrainingData, base: TrainerSettings, options: SweepOptions): Promise<SweepSummary> {
  const { betas, epochs } = options;
  const stepsPerEpoch = Math.floor(data.trainCount / base.batch);
  const stepsTotal = betas.length * epochs * stepsPerEpoch;
  let stepsDone = 0;
  let lastProgressAt = -Infinity;
  for (let index = 0; index < betas.length; index++) {
    const beta = betas[index];
    const start = performance.now();
    const trainer = new Trainer(data, { ...base, beta });
    const inFlight: { step: number; stats: tf.Tensor1D; read: Promise<Float32Array | Int32Array | Uint8Array> }[] = [];
    const steps: StepMetrics[] = [];
    const evals: EvalMetrics[] = [];
    const settleOldest = async () => {
      const oldest = inFlight[0];
      const [recon, kl, used] = await oldest.read;
      inFlight.shift()!.stats.dispose();
      steps.push({ step: oldest.step, recon, kl, beta: used, total: recon + used * kl });
    };
    try {
      for (let epoch = 1; epoch <= epochs; epoch++) {
        for (let s = 0; s < stepsPerEpoch; s++) {
          if (options.cancelled()) return { completed: index, cancelled: true };
          const stats = trainer.trainStep();
          const read = stats.data();
          read.catch(() => {});
          inFlight.push({ step: trainer.step, stats, read });
          while (inFlight.length > MAX_IN_FLIGHT) await settleOldest();
          stepsDone++;
          const now = performance.now();
          if (now - lastProgressAt > PROGRESS_EVERY_MS || s === 0) {
            lastProgressAt = now;
            options.onProgress({ index, count: betas.length, epoch, epochs, stepsDone, stepsTotal });
          }
          await options.between();
        }
        while (inFlight.length > 0) await settleOldest();
        if (options.cancelled()) return { completed: index, cancelled: true };
        const result = await trainer.evaluate();
        evals.push({ epoch: trainer.epoch, step: trainer.step, recon: result.recon, kl: result.kl, negElbo: result.recon + result.kl });
      }
      options.onPoint({ index, beta, test: evals[evals.length - 1], steps, evals, millis: performance.now() - start });
    } finally {
      for (const pending of inFlight) pending.stats.dispose();
      trainer.dispose();
    }
  }
  options.onProgress({ index: betas.length - 1, count: betas.length, epoch: epochs, epochs, stepsDone, stepsTotal });
  return { completed: betas.length, cancelled: false };
}
