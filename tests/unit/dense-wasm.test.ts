import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { dense, type LayerActivation } from '../../src/lib/model/dense';

/**
 * On wasm the dense gradient takes its other branch (explicit transposes, for
 * XNNPACK's fast path): check it against stock gradients on that backend.
 */
beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('dense on the wasm backend', () => {
  it('runs on wasm', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  for (const act of ['relu', 'tanh', 'linear'] as LayerActivation[]) {
    it(`gradients match stock tfjs for '${act}'`, () => {
      const x = tf.randomNormal([9, 6], 0, 1.5, 'float32', 21) as tf.Tensor2D;
      const w = tf.randomNormal([6, 4], 0, 0.8, 'float32', 22) as tf.Tensor2D;
      const b = tf.randomNormal([4], 0, 0.5, 'float32', 23) as tf.Tensor1D;
      const dy = tf.randomNormal([9, 4], 0, 1, 'float32', 24) as tf.Tensor2D;
      const stockAct = (z: tf.Tensor2D) => (act === 'relu' ? tf.relu(z) : act === 'tanh' ? tf.tanh(z) : z);
      const ours = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(dense(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D, act), dy)) as tf.Scalar;
      const stock = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(stockAct(tf.add(tf.matMul(a as tf.Tensor2D, c as tf.Tensor2D), d) as tf.Tensor2D), dy)) as tf.Scalar;
      const before = tf.memory().numTensors;
      const gOurs = tf.grads(ours)([x, w, b]);
      const gStock = tf.grads(stock)([x, w, b]);
      gOurs.forEach((g, i) => expect(maxAbsDiff(g.dataSync(), gStock[i].dataSync())).toBeLessThan(1e-4));
      tf.dispose([...gOurs, ...gStock]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w, b, dy]);
    });
  }
});
