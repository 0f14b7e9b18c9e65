import * as tf from '@tensorflow/tfjs-core';
// The backend as the app starts it: no kernels but the first steps' (not the package's index, which registers all).
import '@tensorflow/tfjs-backend-wasm/dist/base';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIRST_STEP_KERNELS } from '../../src/lib/model/wasm/first-kernels';
import { registerRemainingWasmKernels } from '../../src/lib/model/wasm/all-kernels';
import '../../src/lib/model/wasm/kernels';
import { Trainer, type TrainerSettings } from '../../src/lib/training/trainer';
import { ACTIVATIONS, OPTIMIZERS, RECON_LOSSES } from '../../src/lib/config/types';
import { randomData } from '../shared/random-data';

/**
 * The wasm backend starts with FIRST_STEP_KERNELS only: everything a model's
 * first steps do must run with just those, and the rest must work once
 * registered late (each late kernel needs the backend's set-up call).
 */
beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

async function oneStep(trainer: Trainer): Promise<void> {
  const stats = trainer.trainStep();
  await stats.data();
  stats.dispose();
}

describe('the wasm backend with only the first steps\' kernels', () => {
  it('registers exactly FIRST_STEP_KERNELS', () => {
    expect(tf.getKernelsForBackend('wasm').map((k) => k.kernelName).sort()).toEqual(FIRST_STEP_KERNELS.map((k) => k.kernelName).sort());
  });

  it('runs what comes before and with the first steps, for every activation, loss and optimizer, images and 2-D points', async () => {
    for (const features of [784, 2]) {
      for (const act of ACTIVATIONS) {
        for (const recon of RECON_LOSSES) {
          for (const opt of OPTIMIZERS) {
            const settings: TrainerSettings = { arch: { inputSize: features, hidden: [8, 6], latent: 2, act }, opt, batch: 16, seed: 1, recon, beta: 1, warmup: 0, lr: 0.001 };
            const trainer = new Trainer(randomData(features, 64, 5), settings);
            // The step-0 measurement (numbers and example reconstructions) runs on a frozen copy beside the first steps.
            const frozen = trainer.vae.frozenCopy();
            await trainer.evaluate(frozen);
            await trainer.reconstructExamples(trainer.exampleIndices(), frozen);
            frozen.dispose();
            await oneStep(trainer);
            await oneStep(trainer);
            await trainer.testMeans();
            await trainer.vae.snapshot('decoder');
            // A reload resumes from a saved checkpoint before its first step.
            const saved = await trainer.checkpoint();
            const resumed = new Trainer(randomData(features, 64, 5), settings);
            await resumed.restore(saved);
            await oneStep(resumed);
            resumed.dispose();
            trainer.dispose();
          }
        }
      }
    }
    expect(tf.getKernelsForBackend('wasm').length).toBe(FIRST_STEP_KERNELS.length);
  });

  it('adds every other kernel later, set up and working', async () => {
    expect(() => tf.exp(tf.scalar(1))).toThrow(/Exp.*not registered/);
    const added = registerRemainingWasmKernels(tf.backend());
    expect(added).toBeGreaterThan(100);
    expect(registerRemainingWasmKernels(tf.backend())).toBe(0);
    const [e, maxed] = await Promise.all([tf.exp(tf.tensor1d([0, 1])).data(), tf.max(tf.tensor2d([[1, 5], [7, 2]]), 1).data()]);
    expect(Array.from(e)).toEqual([1, Math.fround(Math.E)]);
    expect(Array.from(maxed)).toEqual([5, 7]);
  });
});
