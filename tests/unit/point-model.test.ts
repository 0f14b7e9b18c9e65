import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './setup-tf';
import { pointSet } from '../../src/lib/training/dataset';
import { loadTrainingData } from '../../src/lib/training/data-loader';
import { Trainer } from '../../src/lib/training/trainer';
import { gaussianNll, reconstructionLoss } from '../../src/lib/model/losses';
import { POINT_SIGMA } from '../../src/lib/model/recon-term';
import { SnapshotDecoder } from '../../src/lib/decode/mlp';
import { parseConfig } from '../../src/lib/config/url';
import { featuresOf } from '../../src/lib/data/points2d';

beforeAll(async () => {
  await useCpuBackend();
});

describe('2-D points through the model', () => {
  it('the loader builds point sets with 2 features, 8000 train and 2000 test points', async () => {
    const data = await loadTrainingData('moons', 'unused.bin', () => {}, 42);
    expect(data.features).toBe(2);
    expect([data.trainCount, data.testCount]).toEqual([8000, 2000]);
    expect(data.trainImages.length).toBe(16000);
    expect(data.classNames).toEqual(['upper moon', 'lower moon']);
    expect(featuresOf('moons')).toBe(2);
    expect(featuresOf('mnist')).toBe(784);
  });

  it('the Gaussian term is the exact negative log density of N(mean, σ²I), in nats', async () => {
    const x = tf.tensor2d([[0.3, -1.2]]);
    const mean = tf.tensor2d([[0.1, -1.0]]);
    const got = (await gaussianNll(x, mean).data())[0];
    const s2 = POINT_SIGMA * POINT_SIGMA;
    const expected = (0.2 ** 2 + 0.2 ** 2) / (2 * s2) + Math.log(2 * Math.PI * s2);
    expect(got).toBeCloseTo(expected, 4);
    expect((await reconstructionLoss('gaussian', x, mean).data())[0]).toBeCloseTo(expected, 4);
    tf.dispose([x, mean]);
  });

  it('a small VAE learns moons: the test Gaussian NLL falls, decoder means land on the data', async () => {
    const data = pointSet('moons', 42);
    const trainer = new Trainer(data, {
      arch: { inputSize: data.features, hidden: [64, 64], latent: 2, act: 'relu' },
      recon: 'bce', // ignored for points: the Gaussian applies
      beta: 1, warmup: 0, lr: 3e-3, opt: 'adam', batch: 128, seed: 1,
    });
    expect(trainer.reconTerm).toBe('gaussian');
    const before = await trainer.evaluate();
    for (let i = 0; i < 600; i++) tf.dispose(trainer.trainStep());
    const after = await trainer.evaluate();
    // Untrained: means near 0, points ~1 away, σ = 0.1 → tens of nats. Trained: a few nats.
    expect(before.recon).toBeGreaterThan(30);
    expect(after.recon).toBeLessThan(before.recon / 3);
    const numTensors = tf.memory().numTensors;
    tf.dispose(trainer.trainStep());
    expect(tf.memory().numTensors).toBe(numTensors);

    // The main-thread decoder (identity output for points) agrees with the model.
    const decoder = new SnapshotDecoder(await trainer.vae.snapshot('decoder'));
    expect(decoder.output).toBe('identity');
    const z = tf.tensor2d([[0.5, -0.3]]);
    const model = await tf.tidy(() => trainer.vae.decodeLogits(z)).data();
    const ours = decoder.decode([0.5, -0.3]);
    expect(Math.abs(ours[0] - model[0]) + Math.abs(ours[1] - model[1])).toBeLessThan(1e-4);
    z.dispose();
    trainer.dispose();
  }, 60_000);

  it('a link with data=moons&recon=bce says recon is ignored; plain data=moons says nothing', () => {
    const withRecon = parseConfig('data=moons&recon=mse');
    expect(withRecon.messages).toHaveLength(1);
    expect(withRecon.messages[0].key).toBe('recon');
    expect(withRecon.messages[0].text).toMatch(/Gaussian likelihood.*ignored/);
    expect(parseConfig('data=moons').messages).toEqual([]);
    expect(parseConfig('recon=mse').messages).toEqual([]);
  });
});
