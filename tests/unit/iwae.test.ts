import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './setup-tf';
import { tinyData, tinySettings } from './tiny-data';
import { gaussKl, linearGaussian } from './linear-gaussian';
import { iwaeEstimate, logMeanExp, sampleLadder, type IwaeModel } from '../../src/lib/training/iwae';
import { iwaeKProblem, parseIwaeK } from '../../src/lib/training/iwae-k';
import { testSetIwae } from '../../src/lib/training/test-iwae';
import { Trainer } from '../../src/lib/training/trainer';

beforeAll(async () => {
  await useCpuBackend();
});

/**
 * The linear-Gaussian model of posterior.test.ts with a fixed q(z|x) = N(mean, diag variance),
 * the same for every "image": each row of the image tensor is one more independent draw.
 */
function fixedQ(model: ReturnType<typeof linearGaussian>, mean: number[], variance: number[]): IwaeModel {
  return {
    encode: (x) =>
      tf.tidy(() => {
        const n = x.shape[0];
        return {
          mu: tf.tile(tf.tensor2d([mean]), [n, 1]) as tf.Tensor2D,
          logVar: tf.tile(tf.tensor2d([variance.map(Math.log)]), [n, 1]) as tf.Tensor2D,
        };
      }),
    logLikelihood: (_x, z) => model.logLik(z),
  };
}

/** `n` placeholder images (the fixed-q model ignores their pixels). */
const copies = (n: number) => tf.zeros([n, 1]) as tf.Tensor2D;

describe('iwaeEstimate on a linear-Gaussian model (log p(x) known exactly)', () => {
  it('gives log p(x) exactly, at every K, when q is the true posterior', async () => {
    const model = linearGaussian();
    const images = copies(5);
    for (const k of [1, 7, 50]) {
      const result = await iwaeEstimate(fixedQ(model, model.mean, model.variance), images, 2, { k, seed: 1 });
      // Every weight is p(x) itself: no spread, no gap (float32 log-likelihoods: ~1e-5 nats).
      expect(result.negLogPx).toBeCloseTo(-model.logPx, 4);
      expect(result.negElboSampled).toBeCloseTo(-model.logPx, 4);
      expect(result.stdError).toBeLessThan(1e-4);
    }
    images.dispose();
    model.dispose();
  });

  it('at K = 1 is the one-sample ELBO estimate, whose average is the ELBO', async () => {
    const model = linearGaussian();
    const qMean = [model.mean[0] + 0.4, model.mean[1] - 0.3];
    const qVar = [model.variance[0] * 2, model.variance[1] * 0.6];
    const images = copies(4000);
    const one = await iwaeEstimate(fixedQ(model, qMean, qVar), images, 2, { k: 1, seed: 2 });
    // With one sample, log-mean-exp of one log weight is that log weight: exactly the sampled ELBO.
    expect(one.negLogPx).toBe(one.negElboSampled);
    expect(one.byK).toEqual([{ k: 1, negLogPx: one.negLogPx }]);
    // ELBO = log p(x) − KL(q ‖ p(z|x)), both in closed form here.
    const exactNegElbo = -model.logPx + gaussKl(qMean, qVar, model.mean, model.variance);
    expect(Math.abs(one.negLogPx - exactNegElbo)).toBeLessThan(4 * one.stdError);
    expect(one.negLogPx - -model.logPx).toBeGreaterThan(0.2); // a real gap for the next test to close
    images.dispose();
    model.dispose();
  });

  it('closes the gap as K grows, never going above the sampled −ELBO, and reaches log p(x) at large K', async () => {
    const model = linearGaussian();
    const qMean = [model.mean[0] + 0.4, model.mean[1] - 0.3];
    const qVar = [model.variance[0] * 2, model.variance[1] * 0.6];
    const images = copies(200);
    const result = await iwaeEstimate(fixedQ(model, qMean, qVar), images, 2, { k: 1000, seed: 3 });
    const gapAt = result.byK.map((r) => r.negLogPx - -model.logPx);
    expect(result.byK.map((r) => r.k)).toEqual([1, 10, 100, 1000]);
    // Shrinks with K…
    for (let i = 1; i < gapAt.length; i++) expect(gapAt[i]).toBeLessThan(gapAt[i - 1]);
    // …to within a few hundredths of a nat of the exact log p(x), from above on average (a bound).
    expect(gapAt[3]).toBeLessThan(0.02);
    expect(gapAt[3]).toBeGreaterThan(-3 * result.stdError);
    expect(result.negLogPx).toBe(result.byK[3].negLogPx);
    // Jensen on the very same samples: log of the mean weight ≥ the mean of the log weights.
    expect(result.negLogPx).toBeLessThanOrEqual(result.negElboSampled);
    expect(result.negElboSampled - -model.logPx).toBeCloseTo(gaussKl(qMean, qVar, model.mean, model.variance), 1);
    images.dispose();
    model.dispose();
  });
});

/** q = the prior and log p(x|z) = x's first pixel: every weight of image i is exactly e^{x_i}. */
const constantWeights: IwaeModel = {
  encode: (x) => tf.tidy(() => ({ mu: tf.zeros([x.shape[0], 2]) as tf.Tensor2D, logVar: tf.zeros([x.shape[0], 2]) as tf.Tensor2D })),
  logLikelihood: (x, z) => tf.tidy(() => tf.add(tf.reshape(tf.slice(x, [0, 0], [-1, 1]), [-1]), tf.mul(tf.sum(z, 1), 0)) as tf.Tensor1D),
};

describe('iwaeEstimate chunking', () => {
  it('counts each image once when the last chunk overlaps, reports progress, and leaks no tensors', async () => {
    const images = tf.tensor2d([0, 1, 2, 3, 4, 5, 6], [7, 1]);
    const progress: number[] = [];
    let betweens = 0;
    const options = { k: 4, seed: 1, rowsPerChunk: 12, onProgress: (done: number) => progress.push(done), between: async () => void betweens++ };
    await iwaeEstimate(constantWeights, images, 2, options); // warm up the backend's caches
    progress.length = 0;
    betweens = 0;
    const before = tf.memory().numTensors;
    const result = await iwaeEstimate(constantWeights, images, 2, options);
    expect(tf.memory().numTensors).toBe(before);
    // 3 images per chunk: images 0–2, 3–5, then 4–6 of which only 6 is new. Mean of −x = −3.
    expect(result.negLogPx).toBeCloseTo(-3, 5);
    expect(result.images).toBe(7);
    expect(progress).toEqual([3, 6, 7]);
    expect(betweens).toBe(2);
    images.dispose();
  });

  it('stops between chunks when cancelled, with nothing left allocated', async () => {
    const images = tf.tensor2d([0, 1, 2, 3, 4, 5, 6], [7, 1]);
    const before = tf.memory().numTensors;
    let chunks = 0;
    const run = iwaeEstimate(constantWeights, images, 2, { k: 4, seed: 1, rowsPerChunk: 12, onProgress: () => chunks++, cancelled: () => chunks >= 1 });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(chunks).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });
});

describe('log-mean-exp and the K ladder', () => {
  it('stays finite far outside float range and matches the direct formula', () => {
    expect(logMeanExp([-1000, -1000], 0, 2)).toBeCloseTo(-1000, 10);
    expect(logMeanExp([800, 800 + Math.log(3)], 0, 2)).toBeCloseTo(800 + Math.log(2), 10);
    expect(logMeanExp([9, 0.5, -2, 1], 1, 2)).toBeCloseTo(Math.log((Math.exp(0.5) + Math.exp(-2)) / 2), 12);
    expect(sampleLadder(1)).toEqual([1]);
    expect(sampleLadder(100)).toEqual([1, 10, 100]);
    expect(sampleLadder(250)).toEqual([1, 10, 100, 250]);
  });

  it('refuses a K that is not a whole number from 1 to 1,000, with a clear message', () => {
    for (const bad of [0, -3, 1.5, 1001, NaN, Infinity]) expect(iwaeKProblem(bad)).toBe('K must be a whole number from 1 to 1,000.');
    expect(iwaeKProblem(1)).toBeNull();
    expect(iwaeKProblem(1000)).toBeNull();
    expect(parseIwaeK(' 250 ')).toEqual({ k: 250 });
    for (const bad of ['', '1e2', '12.5', '-1', 'abc', '5000']) expect(parseIwaeK(bad)).toHaveProperty('problem');
  });
});

describe('testSetIwae (what the worker answers)', () => {
  it('uses the loss in force, stays at or below the −ELBO the app reports, repeats exactly, and leaks nothing', async () => {
    for (const recon of ['bce', 'mse'] as const) {
      const trainer = new Trainer(tinyData(48, 200, 9), tinySettings({ recon }));
      for (let i = 0; i < 6; i++) trainer.trainStep().dispose();
      const { recon: r, kl } = await trainer.evaluate();
      await testSetIwae(trainer, 3, { k: 20 }); // warm up
      const before = tf.memory().numTensors;
      const result = await testSetIwae(trainer, 3, { k: 20 });
      expect(tf.memory().numTensors).toBe(before);
      expect(result.images).toBe(200);
      // The app's −ELBO (one sample, analytic KL) is an estimate of the same −ELBO the sampled one estimates.
      expect(result.negLogPx).toBeLessThan(r + kl);
      expect(result.negLogPx).toBeLessThanOrEqual(result.negElboSampled);
      expect(Math.abs(result.negElboSampled - (r + kl))).toBeLessThan(0.02 * (r + kl));
      // Seeded: the same weights give the same figure.
      expect((await testSetIwae(trainer, 3, { k: 20 })).negLogPx).toBe(result.negLogPx);
      trainer.dispose();
    }
  });

  it('refuses a bad K before doing any work', async () => {
    const trainer = new Trainer(tinyData(), tinySettings());
    await expect(testSetIwae(trainer, 3, { k: 0 })).rejects.toThrow('K must be a whole number from 1 to 1,000.');
    await expect(testSetIwae(trainer, 3, { k: 2.5 })).rejects.toThrow(/whole number/);
    trainer.dispose();
  });
});
