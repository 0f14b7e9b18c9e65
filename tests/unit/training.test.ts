import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './setup-tf';
import { readMnistPackage } from '../../src/lib/data/mnist-source';
import { PIXELS, packDigits } from '../../src/lib/data/pack';
import { mnistFromPacked, type TrainingData } from '../../src/lib/training/dataset';
import { Trainer, betaAt, type TrainerSettings } from '../../src/lib/training/trainer';
import { klDiagonalGaussian } from '../../src/lib/model/losses';
import { Vae } from '../../src/lib/model/vae';
import type { OptimizerName } from '../../src/lib/config/types';

let full: TrainingData;

beforeAll(async () => {
  await useCpuBackend();
  full = mnistFromPacked(packDigits(readMnistPackage()));
});

/** Small seeded LCG, independent of src, to pick mixed-digit subsets. */
function pick(n: number, from: number, seed: number): number[] {
  const chosen = new Set<number>();
  let s = seed >>> 0;
  while (chosen.size < n) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    chosen.add(s % from);
  }
  return [...chosen];
}

function subset(trainCount: number, testCount: number, seed = 1): TrainingData {
  const rows = (src: Float32Array, idx: number[]) => {
    const out = new Float32Array(idx.length * PIXELS);
    idx.forEach((r, k) => out.set(src.subarray(r * PIXELS, (r + 1) * PIXELS), k * PIXELS));
    return out;
  };
  const trainIdx = pick(trainCount, full.trainCount, seed);
  const testIdx = pick(testCount, full.testCount, seed + 1);
  return {
    name: 'mnist-subset',
    features: PIXELS,
    trainImages: rows(full.trainImages, trainIdx),
    trainCount,
    testImages: rows(full.testImages, testIdx),
    testCount,
    testLabels: Uint8Array.from(testIdx, (i) => full.testLabels[i]),
    classNames: full.classNames,
  };
}

/**
 * How the test images' latent means spread: the sd along each dimension, the mean distance between the
 * digits' centroids, and the share of the total variance that lies between the digits' centroids
 * (0: the classes sit on top of each other; 1: each class is a single point).
 */
function latentSpread(means: Float32Array, latent: number, labels: Uint8Array) {
  const count = labels.length;
  const column = (d: number) => Array.from({ length: count }, (_, i) => means[i * latent + d]);
  const average = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const sdPerDim = Array.from({ length: latent }, (_, d) => {
    const values = column(d);
    const m = average(values);
    return Math.sqrt(average(values.map((v) => (v - m) ** 2)));
  });
  const overall = Array.from({ length: latent }, (_, d) => average(column(d)));
  const classes = [...new Set(labels)];
  const centroids = classes.map((c) => {
    const rows = [...labels.keys()].filter((i) => labels[i] === c);
    return { size: rows.length, at: Array.from({ length: latent }, (_, d) => average(rows.map((i) => means[i * latent + d]))) };
  });
  const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, d) => v - b[d]));
  const gaps = centroids.flatMap((a, i) => centroids.slice(i + 1).map((b) => distance(a.at, b.at)));
  const total = sdPerDim.reduce((s, sd) => s + sd * sd, 0) * count;
  const between = centroids.reduce((s, c) => s + c.size * distance(c.at, overall) ** 2, 0);
  return { sdPerDim, centroidGap: average(gaps), betweenShare: total > 0 ? between / total : 0 };
}

function settings(over: Partial<TrainerSettings> = {}): TrainerSettings {
  return {
    arch: { inputSize: 784, hidden: [64, 32], latent: 2, act: 'relu' },
    recon: 'bce',
    beta: 1,
    warmup: 0,
    lr: 3e-3,
    opt: 'adam',
    batch: 32,
    seed: 1,
    ...over,
  };
}

/** One step, read synchronously and disposed: [recon, kl, beta]. */
function step(trainer: Trainer): number[] {
  const stats = trainer.trainStep();
  const v = Array.from(stats.dataSync());
  stats.dispose();
  return v;
}

async function weights(trainer: Trainer): Promise<Float32Array[]> {
  return Promise.all(trainer.vae.variables.map(async (v) => (await v.data()) as Float32Array));
}

function updateNorm(a: Float32Array[], b: Float32Array[]): number {
  let s = 0;
  a.forEach((w, i) => {
    for (let k = 0; k < w.length; k++) s += (w[k] - b[i][k]) ** 2;
  });
  return Math.sqrt(s);
}

describe('betaAt', () => {
  it('ramps β linearly over the warm-up and then holds it', () => {
    expect(betaAt(0, 1, 100)).toBe(0);
    expect(betaAt(25, 1, 100)).toBeCloseTo(0.25, 12);
    expect(betaAt(50, 2, 100)).toBeCloseTo(1, 12);
    expect(betaAt(100, 2, 100)).toBe(2);
    expect(betaAt(1000, 2, 100)).toBe(2);
    expect(betaAt(0, 3, 0)).toBe(3); // warm-up off
    expect(betaAt(7, 0.5, 0)).toBe(0.5);
  });

  it('the trainer reports the β it used at each step', () => {
    const trainer = new Trainer(subset(64, 10), settings({ arch: { inputSize: 784, hidden: [16], latent: 2, act: 'relu' }, beta: 2, warmup: 4 }));
    const betas: number[] = [];
    for (let i = 0; i < 6; i++) {
      expect(trainer.currentBeta).toBeCloseTo(betaAt(i, 2, 4), 12);
      betas.push(step(trainer)[2]);
    }
    expect(betas).toEqual([0, 0.5, 1, 1.5, 2, 2]);
    trainer.setLive({ warmup: 0, beta: 0.25 });
    expect(step(trainer)[2]).toBe(0.25);
    trainer.dispose();
  });
});

describe('Trainer on real MNIST (small model)', () => {
  it('rejects a batch larger than the training set', () => {
    expect(() => new Trainer(subset(16, 10), settings({ batch: 32 }))).toThrow(/batch 32 exceeds the 16/);
  });

  it('a short run lowers the test −ELBO clearly', async () => {
    const data = subset(512, 500);
    const trainer = new Trainer(data, settings());
    expect(trainer.stepsPerEpoch).toBe(16);
    const before = await trainer.evaluate();
    const elboBefore = before.recon + before.kl;
    expect(Number.isFinite(elboBefore)).toBe(true);
    // An untrained decoder outputs logits near 0: about 784·ln 2 ≈ 543 nats of reconstruction.
    expect(before.recon).toBeGreaterThan(400);

    const losses: number[] = [];
    for (let i = 0; i < 120; i++) {
      const [recon, kl] = step(trainer);
      losses.push(recon + kl);
    }
    expect(trainer.step).toBe(120);
    expect(trainer.epoch).toBe(7); // 120 / 16 = 7.5

    const after = await trainer.evaluate();
    const elboAfter = after.recon + after.kl;
    expect(Number.isFinite(elboAfter)).toBe(true);
    expect(after.kl).toBeGreaterThan(0);
    // Clearly lower: at least 40% fewer nats (typically 543 → ~200).
    expect(elboAfter).toBeLessThan(0.6 * elboBefore);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-10))).toBeLessThan(0.6 * mean(losses.slice(0, 10)));
    // The latent is used: the test images' means spread out along both dimensions, and the digits'
    // centroids sit apart, by more than the untrained encoder managed.
    const spreadBefore = latentSpread(before.means, 2, data.testLabels);
    const spreadAfter = latentSpread(after.means, 2, data.testLabels);
    // Measured with seed 1 (PyTorch-default init): sd ≈ [0.38, 1.31] (untrained 0.02), gap ≈ 1.11 (0.02),
    // share ≈ 0.45 (0.28). A collapsed dimension keeps μ ≈ 0 for every image, an sd near 0.
    for (const sd of spreadAfter.sdPerDim) expect(sd).toBeGreaterThan(0.25);
    expect(spreadAfter.centroidGap).toBeGreaterThan(3 * spreadBefore.centroidGap);
    expect(spreadAfter.betweenShare).toBeGreaterThan(0.4);
    trainer.dispose();
  });

  it('evaluate(): KL and μ match a direct encode of the whole test set (incl. the overlapping last chunk)', async () => {
    // 600 test images = a chunk of 500 and an overlapping chunk [100, 600).
    const data = subset(64, 600);
    const trainer = new Trainer(data, settings({ arch: { inputSize: 784, hidden: [32], latent: 3, act: 'tanh' } }));
    for (let i = 0; i < 3; i++) step(trainer);
    const result = await trainer.evaluate();
    const x = tf.tensor2d(data.testImages, [600, PIXELS]);
    const { mu, logVar } = trainer.vae.encode(x);
    const kl = klDiagonalGaussian(mu, logVar);
    const meanKl = tf.mean(kl).dataSync()[0];
    const muAll = mu.dataSync();
    tf.dispose([x, mu, logVar, kl]);
    expect(result.means.length).toBe(600 * 3);
    let maxDiff = 0;
    for (let i = 0; i < muAll.length; i++) maxDiff = Math.max(maxDiff, Math.abs(muAll[i] - result.means[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    expect(result.kl).toBeGreaterThan(0);
    expect(Math.abs(result.kl - meanKl)).toBeLessThan(1e-4 * Math.max(1, meanKl));
    expect(result.recon).toBeGreaterThan(0);
    trainer.dispose();
  });

  it('evaluate(): the KL per dimension matches a direct computation and sums to the KL', async () => {
    const data = subset(64, 600);
    const trainer = new Trainer(data, settings({ arch: { inputSize: 784, hidden: [32], latent: 3, act: 'tanh' } }));
    for (let i = 0; i < 3; i++) step(trainer);
    const result = await trainer.evaluate();
    const x = tf.tensor2d(data.testImages, [600, PIXELS]);
    const { mu, logVar } = trainer.vae.encode(x);
    const m = mu.dataSync();
    const v = logVar.dataSync();
    tf.dispose([x, mu, logVar]);
    const direct = [0, 0, 0];
    for (let i = 0; i < 600; i++) {
      for (let d = 0; d < 3; d++) {
        const mi = m[i * 3 + d];
        const li = v[i * 3 + d];
        direct[d] += (0.5 * (mi * mi + Math.exp(li) - li - 1)) / 600;
      }
    }
    expect(result.klPerDim.length).toBe(3);
    for (let d = 0; d < 3; d++) expect(Math.abs(result.klPerDim[d] - direct[d])).toBeLessThan(1e-4 * Math.max(1, direct[d]));
    const sum = result.klPerDim.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - result.kl)).toBeLessThan(1e-4 * Math.max(1, result.kl));
    trainer.dispose();
  });

  it('testMeans(): every test image\'s μ, equal to evaluate()\'s (incl. the overlapping last chunk)', async () => {
    const trainer = new Trainer(subset(64, 600), settings({ arch: { inputSize: 784, hidden: [32], latent: 3, act: 'tanh' } }));
    for (let i = 0; i < 3; i++) step(trainer);
    const { means } = await trainer.evaluate();
    const live = await trainer.testMeans();
    expect(live.length).toBe(600 * 3);
    let maxDiff = 0;
    for (let i = 0; i < live.length; i++) maxDiff = Math.max(maxDiff, Math.abs(live[i] - means[i]));
    expect(maxDiff).toBeLessThan(1e-6);
    step(trainer);
    const moved = await trainer.testMeans();
    expect(moved.some((value, i) => value !== live[i])).toBe(true);
    trainer.dispose();
  });
});

describe('tensor bookkeeping (exact numTensors)', () => {
  it('trainStep + dispose leaves numTensors unchanged across steps and epoch boundaries', () => {
    for (const opt of ['adam', 'sgd', 'rmsprop'] as OptimizerName[]) {
      // 128 images / batch 32 = 4 steps per epoch: 12 steps cross 3 epoch boundaries.
      const trainer = new Trainer(subset(128, 20), settings({ opt, lr: 1e-3 }));
      step(trainer); // warm-up: optimizers create their slot variables on the first update
      const count = tf.memory().numTensors;
      for (let i = 0; i < 12; i++) {
        const stats = trainer.trainStep();
        expect(stats.shape).toEqual([3]);
        stats.dispose();
        expect(tf.memory().numTensors, `${opt} after step ${trainer.step}`).toBe(count);
      }
      expect(trainer.epoch).toBe(3);
      trainer.dispose();
    }
  });

  it.each(['evaluate', 'testMeans'] as const)('%s() leaves numTensors unchanged', async (method) => {
    const trainer = new Trainer(subset(64, 600), settings());
    step(trainer);
    const count = tf.memory().numTensors;
    await trainer[method]();
    expect(tf.memory().numTensors).toBe(count);
    await trainer[method]();
    expect(tf.memory().numTensors).toBe(count);
    trainer.dispose();
  });

  it('decode + dispose is net zero, and Trainer.dispose() returns to the count before construction', async () => {
    const before = tf.memory().numTensors;
    const trainer = new Trainer(subset(64, 20), settings());
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    step(trainer);
    step(trainer);
    await trainer.evaluate();

    const count = tf.memory().numTensors;
    const z = tf.tensor2d([[0, 0], [1, -1]]);
    const pixels = trainer.vae.decode(z);
    expect(pixels.shape).toEqual([2, 784]);
    expect(tf.memory().numTensors).toBe(count + 2); // exactly z and the result
    await pixels.data();
    tf.dispose([z, pixels]);
    expect(tf.memory().numTensors).toBe(count);

    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('new Vae + dispose() frees every tensor and byte it allocated (via the Trainer and directly)', () => {
    const before = tf.memory();
    const vae = new Vae({ inputSize: 784, hidden: [32], latent: 2, act: 'relu' }, 1);
    expect(tf.memory().numTensors).toBeGreaterThan(before.numTensors);
    vae.dispose();
    const after = tf.memory();
    expect(after.numBytes, 'bytes still held after Vae.dispose()').toBe(before.numBytes);
    expect(after.numTensors, 'tensors still held after Vae.dispose()').toBe(before.numTensors);
  });
});

describe('determinism', () => {
  it("same seed → identical first 50 losses (the link promise); different seed → different", () => {
    const data = subset(128, 20);
    // 50 steps span several epochs of this 4-batch subset, so reshuffles are covered too.
    const run = (seed: number) => {
      const trainer = new Trainer(data, settings({ seed }));
      const out: number[][] = [];
      for (let i = 0; i < 50; i++) out.push(step(trainer));
      trainer.dispose();
      return out;
    };
    const a = run(5);
    const b = run(5);
    const c = run(6);
    expect(a).toEqual(b);
    for (const row of a) for (const v of row.slice(0, 2)) expect(Number.isFinite(v)).toBe(true);
    // Every step differs for a different seed (weights, shuffle and noise all change).
    for (let i = 0; i < 5; i++) expect(c[i][0]).not.toBe(a[i][0]);
  });
});

describe('live learning rate', () => {
  /** Size of the first update for a trainer built with lr0, then (optionally) switched live to lr1. */
  async function firstUpdate(opt: OptimizerName, lr0: number, lr1?: number): Promise<number> {
    const trainer = new Trainer(subset(64, 10, 3), settings({ opt, lr: lr0, seed: 9 }));
    if (lr1 !== undefined) {
      trainer.setLive({ lr: lr1 });
      expect(trainer.liveSettings.lr).toBe(lr1);
    }
    const w0 = await weights(trainer);
    step(trainer);
    const w1 = await weights(trainer);
    trainer.dispose();
    return updateNorm(w0, w1);
  }

  for (const opt of ['adam', 'rmsprop', 'sgd'] as OptimizerName[]) {
    it(`setLive({ lr }) changes the update size (${opt})`, async () => {
      const small = await firstUpdate(opt, 1e-4);
      const bigAtStart = await firstUpdate(opt, 1e-3);
      const switched = await firstUpdate(opt, 1e-4, 1e-3);
      expect(small).toBeGreaterThan(0);
      // Built with 10× the rate: the update is ~10× bigger (sanity check of the measurement).
      expect(bigAtStart / small).toBeGreaterThan(5);
      // Switching live to the bigger rate must behave like building with it.
      expect(switched / bigAtStart).toBeCloseTo(1, 3);
    });
  }
});

describe('divergence', () => {
  it('a huge learning rate (sgd, lr = 50) blows the loss up without throwing', () => {
    const trainer = new Trainer(subset(128, 20), settings({ opt: 'sgd', lr: 50 }));
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      let out: number[] = [];
      expect(() => {
        out = step(trainer);
      }).not.toThrow();
      expect(out).toHaveLength(3);
      seen.push(out[0] + out[1]);
    }
    // Non-finite (NaN/Infinity) or enormous.
    expect(seen.some((v) => !Number.isFinite(v) || v > 1e5)).toBe(true);
    trainer.dispose();
  });
});

describe('reconstruction examples', () => {
  it('picks one test image per class and reconstructs them with no tensor left behind', async () => {
    const data = subset(64, 200, 4);
    const trainer = new Trainer(data, settings());
    const indices = trainer.exampleIndices();
    const labels = Array.from(indices, (i) => data.testLabels[i]);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.length).toBe(Math.min(10, new Set(data.testLabels).size));
    await trainer.reconstructExamples(indices); // warm-up
    const before = tf.memory().numTensors;
    const { originals, reconstructions } = await trainer.reconstructExamples(indices);
    expect(tf.memory().numTensors).toBe(before);
    expect(originals.length).toBe(indices.length * PIXELS);
    expect(reconstructions.length).toBe(indices.length * PIXELS);
    expect(Array.from(originals.subarray(0, PIXELS))).toEqual(Array.from(data.testImages.subarray(indices[0] * PIXELS, (indices[0] + 1) * PIXELS)));
    for (const v of reconstructions) expect(v >= 0 && v <= 1).toBe(true);
    trainer.dispose();
  });
});
