import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './setup-tf';
import { tinyData, tinySettings } from './tiny-data';
import { Trainer } from '../../src/lib/training/trainer';
import { probeTestImage } from '../../src/lib/training/test-posterior';
import { posteriorGrid, klToPrior, type LogLikelihood } from '../../src/lib/training/posterior';
import { Vae } from '../../src/lib/model/vae';
import { bceFromLogits } from '../../src/lib/model/losses';
import { PIXELS } from '../../src/lib/data/pack';
import { fixedSplit, gatherLabels, TEST_PER_CLASS } from '../../src/lib/data/split';
import { klPerDimension, nearestCode, testImagePosition, PROBE_MAX } from '../../src/lib/latent/probe';
import { mulberry32 } from '../../src/lib/data/rng';
import { gaussKl, linearGaussian } from './linear-gaussian';

beforeAll(async () => {
  await useCpuBackend();
});

describe('posteriorGrid on a linear-Gaussian model (closed form)', () => {
  it('finds the exact log p(x) and a zero gap when q is the exact posterior', async () => {
    const model = linearGaussian();
    const grid = await posteriorGrid(model.logLik, model.mean, model.variance.map(Math.log));
    // log p(x|z) is computed in float32 (as in the app): agreement to ~1e-4 nats.
    expect(grid.logPx).toBeCloseTo(model.logPx, 3);
    expect(Math.abs(grid.gap)).toBeLessThan(1e-4);
    expect(grid.mean[0]).toBeCloseTo(model.mean[0], 3);
    expect(grid.std[1]).toBeCloseTo(Math.sqrt(model.variance[1]), 3);
    expect(grid.cutOff).toBe(false);
    model.dispose();
  });

  it('gives the gap KL(q ‖ p(z|x)) for a q that is off', async () => {
    const model = linearGaussian();
    const qMean = [model.mean[0] + 0.2, model.mean[1] - 0.1];
    const qVar = [model.variance[0] * 0.3, model.variance[1] * 0.5];
    const grid = await posteriorGrid(model.logLik, qMean, qVar.map(Math.log));
    const exactGap = gaussKl(qMean, qVar, model.mean, model.variance);
    expect(grid.gap).toBeGreaterThan(0.1);
    expect(grid.gap).toBeCloseTo(exactGap, 3);
    expect(grid.logPx).toBeCloseTo(model.logPx, 3);
    model.dispose();
  });

  it('widens a window that cuts the posterior off, and says so when it cannot', async () => {
    const model = linearGaussian();
    const far = await posteriorGrid(model.logLik, model.mean, [0, 0], { hint: { cx: 2, cy: 2, half: 0.3 } });
    expect(far.passes).toBeGreaterThan(1);
    expect(far.cutOff).toBe(false);
    expect(far.logPx).toBeCloseTo(model.logPx, 3);
    // A far too wide window is narrowed so the posterior is resolved.
    const wide = await posteriorGrid(model.logLik, model.mean, model.variance.map(Math.log), { hint: { cx: 0, cy: 0, half: 20 } });
    expect(wide.passes).toBe(2);
    expect(wide.window.half).toBeLessThan(4);
    expect(wide.logPx).toBeCloseTo(model.logPx, 3);
    const stuck = await posteriorGrid(model.logLik, model.mean, [0, 0], { hint: { cx: 3, cy: 3, half: 0.2 }, maxPasses: 1 });
    expect(stuck.cutOff).toBe(true);
    model.dispose();
  });
});

describe('posteriorGrid on a small VAE', () => {
  it('agrees with importance sampling, has a gap ≥ 0 and leaks no tensors', async () => {
    const vae = new Vae({ inputSize: PIXELS, hidden: [16], latent: 2, act: 'tanh' }, 7);
    // Sharper decoder weights, so the posterior is far from the prior.
    vae.decoder.forEach((layer, i) => tf.tidy(() => layer.weights.assign(tf.mul(layer.weights, i === 0 ? 3 : 2))));
    const data = tinyData(4, 4, 11);
    const x = tf.tensor2d(data.testImages.slice(0, PIXELS), [1, PIXELS]);
    const { mu, logVar } = vae.encode(x);
    const q = { mu: Array.from(await mu.data()), logVar: Array.from(await logVar.data()) };
    tf.dispose([mu, logVar]);
    const logLik: LogLikelihood = (z) => tf.neg(bceFromLogits(x, vae.decodeLogits(z)));

    const before = tf.memory().numTensors;
    const grid = await posteriorGrid(logLik, q.mu, q.logVar);
    expect(tf.memory().numTensors).toBe(before);

    // Importance sampling with a Gaussian proposal r somewhat wider than the posterior.
    const n = 40_000;
    const random = mulberry32(9);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const rs = grid.std.map((s) => 1.5 * s);
    const zs = new Float32Array(2 * n);
    const logR = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const e0 = normal();
      const e1 = normal();
      zs[2 * i] = grid.mean[0] + rs[0] * e0;
      zs[2 * i + 1] = grid.mean[1] + rs[1] * e1;
      logR[i] = -0.5 * (e0 * e0 + e1 * e1) - Math.log(2 * Math.PI * rs[0] * rs[1]);
    }
    const ll = tf.tidy(() => logLik(tf.tensor2d(zs, [n, 2])));
    const values = await ll.data();
    ll.dispose();
    const logW = Array.from(values, (v, i) => v - 0.5 * (zs[2 * i] ** 2 + zs[2 * i + 1] ** 2) - Math.log(2 * Math.PI) - logR[i]);
    const max = Math.max(...logW);
    const w = logW.map((v) => Math.exp(v - max));
    const meanW = w.reduce((a, b) => a + b, 0) / n;
    const varW = w.reduce((a, b) => a + (b - meanW) ** 2, 0) / (n - 1);
    const isLogPx = max + Math.log(meanW);
    const isError = Math.sqrt(varW / n) / meanW; // standard error of the log estimate (delta method)
    expect(Math.abs(grid.logPx - isLogPx)).toBeLessThan(4 * isError + 1e-3);
    expect(grid.gap).toBeGreaterThanOrEqual(0);
    expect(grid.elbo).toBeCloseTo(grid.expectedLogLik - klToPrior(q.mu, q.logVar), 8);
    expect(grid.cutOff).toBe(false);
    x.dispose();
    vae.dispose();
  });

  it('refuses a latent that is not 2-D', async () => {
    await expect(posteriorGrid((z) => tf.sum(z, 1) as tf.Tensor1D, [0, 0, 0], [0, 0, 0])).rejects.toThrow(/2-D/);
  });
});

describe('probeTestImage (what the worker answers)', () => {
  it('uses the loss in force, gives q and the grid for a 2-D latent, only q otherwise, and leaks nothing', async () => {
    for (const recon of ['bce', 'mse'] as const) {
      const trainer = new Trainer(tinyData(), tinySettings({ recon }));
      await probeTestImage(trainer, 1, null); // warm up (the cpu backend may cache)
      const before = tf.memory().numTensors;
      const probed = await probeTestImage(trainer, 1, null);
      expect(tf.memory().numTensors).toBe(before);
      expect(probed.image.index).toBe(1);
      const grid = probed.grid!;
      expect([grid.logPx, grid.elbo, grid.gap].every(Number.isFinite)).toBe(true);
      expect(grid.gap).toBeGreaterThanOrEqual(0);
      // log p(x|z) is minus the app's reconstruction term (bce or mse as in force): the untrained decoder
      // hardly depends on z, so E_q[log p(x|z)] is close to −recon at z = μ.
      expect(Math.abs(grid.expectedLogLik + probed.image.recon)).toBeLessThan(0.05 * probed.image.recon);
      expect(grid.elbo).toBeCloseTo(grid.expectedLogLik - grid.kl, 8);
      expect(grid.mass.length).toBe(grid.side * grid.side);
      trainer.dispose();
    }
    const wide = new Trainer(tinyData(), tinySettings({ arch: { ...tinySettings().arch, latent: 3 } }));
    const probed = await probeTestImage(wide, 0, null);
    expect(probed.grid).toBeNull();
    expect(probed.image.mu).toHaveLength(3);
    await expect(probeTestImage(wide, 99, null)).rejects.toThrow(/does not exist/);
    wide.dispose();
  });
});

describe('probe index ↔ test image', () => {
  it('index = 200·digit + position among that digit’s 200 test images, in file order', () => {
    // Files of unequal length, grouped by digit as the packed asset stores them.
    const perDigit = Array.from({ length: 10 }, (_, d) => 230 + 7 * d);
    const labels = Uint8Array.from(perDigit.flatMap((count, d) => new Array<number>(count).fill(d)));
    const { test } = fixedSplit(labels);
    const testLabels = gatherLabels({ count: labels.length, labels, pixels: new Uint8Array(0) }, test);
    expect(test.length).toBe(PROBE_MAX + 1);
    const start = perDigit.map((_, d) => perDigit.slice(0, d).reduce((a, b) => a + b, 0));
    for (const index of [0, 1, 199, 200, 977, 1234, 1999]) {
      const { digit, position } = testImagePosition(index);
      expect(testLabels[index]).toBe(digit);
      // The last 200 of the digit's file, in file order.
      expect(test[index]).toBe(start[digit] + perDigit[digit] - TEST_PER_CLASS + position);
    }
  });

  it('KL per dimension sums to the closed-form KL, and the nearest code is found', () => {
    const kl = klPerDimension([0.5, -1], [Math.log(0.25), 0]);
    expect(kl[1]).toBeCloseTo(0.5, 10);
    expect(kl[0] + kl[1]).toBeCloseTo(klToPrior([0.5, -1], [Math.log(0.25), 0]), 10);
    const means = Float32Array.from([0, 0, 1, 1, 2, 2]);
    expect(nearestCode(means, 2, 0, 1, 1.1, 0.9, 0.5)).toBe(1);
    expect(nearestCode(means, 2, 0, 1, 5, 5, 0.5)).toBe(-1);
  });
});
