import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './setup-tf';
import { Vae } from '../../src/lib/model/vae';

beforeAll(useCpuBackend);

describe('Vae.frozenCopy', () => {
  it('keeps the weights of the moment it was taken while the model trains on, and frees exactly what it held', () => {
    const vae = new Vae({ inputSize: 6, hidden: [4], latent: 2, act: 'relu' }, 1);
    const before = tf.memory().numTensors;
    const frozen = vae.frozenCopy();
    const then = frozen.encoder[0].weights.dataSync().slice();
    // An optimizer update assigns new storage to each variable, as this does.
    tf.tidy(() => vae.encoder[0].weights.assign(tf.add(vae.encoder[0].weights, 1) as tf.Tensor2D));
    expect(Array.from(frozen.encoder[0].weights.dataSync())).toEqual(Array.from(then));
    expect(vae.encoder[0].weights.dataSync()[0]).toBeCloseTo(then[0] + 1, 5);
    frozen.dispose();
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
  });
});
