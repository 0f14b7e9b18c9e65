import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEBGL_KERNELS } from '../../src/lib/model/webgl/kernels';
import { STOCK_KERNELS } from '../../src/lib/model/stock-kernels';
import { lossGradients, type StepKernels } from '../../src/lib/model/backprop';
import { Vae, type VaeArchitecture } from '../../src/lib/model/vae';
import type { ReconTerm } from '../../src/lib/model/recon-term';
import type { Activation } from '../../src/lib/config/types';
import { maxRelDiff, useWebGl } from './helpers';

beforeAll(useWebGl);

/** Runs one kernel call with both implementations, returning the values of each output. */
function both(call: (k: StepKernels) => tf.Tensor | tf.Tensor[]): [Float32Array[], Float32Array[]] {
  const run = (k: StepKernels) => {
    const out = tf.tidy(() => call(k));
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => t.dataSync() as Float32Array);
    tf.dispose(list);
    return values;
  };
  return [run(WEBGL_KERNELS), run(STOCK_KERNELS)];
}

function expectClose(fused: Float32Array[], stock: Float32Array[], tolerance = 1e-5): void {
  expect(fused.length).toBe(stock.length);
  fused.forEach((values, i) => {
    expect(values.length, `output ${i} size`).toBe(stock[i].length);
    expect(maxRelDiff(values, stock[i]), `output ${i}`).toBeLessThanOrEqual(tolerance);
  });
}

// Odd sizes everywhere: packed textures hold 2×2 blocks, so odd edges are where a program can go wrong.
const ROWS = 7;
const rand = (shape: [number, number], seed: number, lo = -2, hi = 2) => tf.randomUniform(shape, lo, hi, 'float32', seed) as tf.Tensor2D;

describe('each fused WebGL program against the stock tfjs ops it replaces (on WebGL)', () => {
  it('batchRows gathers the rows the order names, from any start', () => {
    const data = rand([11, 5], 1);
    const order = tf.tensor1d([3, 9, 0, 10, 4, 7, 1, 2, 8, 5, 6], 'int32');
    for (const start of [0, 3, 4]) expectClose(...both((k) => k.batchRows(data, order, start, ROWS)), 0);
    tf.dispose([data, order]);
  });

  for (const act of ['linear', 'relu', 'leakyrelu', 'elu', 'sigmoid', 'tanh'] as const) {
    it(`dense forward and its input gradient with the ${act} slope`, () => {
      const x = rand([ROWS, 9], 2);
      const layer = { weights: tf.variable(rand([9, 5], 3)), bias: tf.variable(tf.randomUniform([5], -1, 1, 'float32', 4) as tf.Tensor1D), act };
      expectClose(...both((k) => k.dense(x, layer)));
      const output = tf.tidy(() => STOCK_KERNELS.dense(x, layer));
      const dPre = rand([ROWS, 5], 5);
      const w = rand([9, 5], 6);
      expectClose(...both((k) => k.inputGrad(dPre, w, x, act)));
      expectClose(
        ...both((k) => {
          const { dw, db } = k.weightGrads(x, dPre);
          return [dw, db];
        }),
      );
      tf.dispose([x, layer.weights, layer.bias, output, dPre, w]);
    });
  }

  for (const latent of [1, 2, 3]) {
    it(`sampleLatent and latentGrad, latent ${latent}, including clamped log-variances`, () => {
      // Raw log σ² far outside ±10 as well as inside: the clamp and its slope are both exercised.
      const encoded = tf.tidy(() => tf.concat([rand([ROWS, latent], 7), rand([ROWS, latent], 8, -30, 30)], 1)) as tf.Tensor2D;
      const eps = rand([ROWS, latent], 9);
      const dz = rand([ROWS, latent], 10);
      expectClose(...both((k) => k.sampleLatent(encoded, eps)));
      expectClose(...both((k) => k.latentGrad(dz, encoded, eps, 0.7)), 1e-4);
      tf.dispose([encoded, eps, dz]);
    });
  }

  for (const term of ['bce', 'mse', 'gaussian'] as const) {
    it(`reconGrad, rowTerms and lossStats for ${term}`, () => {
      const cols = term === 'gaussian' ? 2 : 13;
      const x = term === 'gaussian' ? rand([ROWS, cols], 11) : rand([ROWS, cols], 11, 0, 1);
      const logits = rand([ROWS, cols], 12, -8, 8);
      const encoded = tf.tidy(() => tf.concat([rand([ROWS, 3], 13), rand([ROWS, 3], 14, -12, 12)], 1)) as tf.Tensor2D;
      expectClose(...both((k) => k.reconGrad(term, x, logits)));
      expectClose(...both((k) => k.rowTerms(term, x, logits, encoded)));
      expectClose(...both((k) => k.lossStats(term, x, logits, encoded, 0.25)));
      tf.dispose([x, logits, encoded]);
    });
  }
});

const cases: { act: Activation; term: ReconTerm; latent: number; rows: number; features: number }[] = [
  { act: 'relu', term: 'bce', latent: 2, rows: 16, features: 784 },
  { act: 'elu', term: 'mse', latent: 3, rows: 9, features: 31 },
  { act: 'tanh', term: 'gaussian', latent: 2, rows: 11, features: 2 },
];

/**
 * The reference here is the cpu backend: stock ops on WebGL are not one. With
 * an odd batch and odd widths they leave non-zero values in packed textures'
 * padding, and a later product sums them in: in the elu/mse case below stock
 * tfjs on WebGL got the last layer's weight gradient wrong by 22% (measured),
 * while the fused programs keep padding at zero.
 */
describe('a whole step of gradients, fused on WebGL against stock ops on the cpu backend', () => {
  for (const c of cases) {
    it(`${c.act}, ${c.term}, latent ${c.latent}, ${c.rows} rows`, async () => {
      const arch: VaeArchitecture = { inputSize: c.features, hidden: [33, 17], latent: c.latent, act: c.act };
      const vae = new Vae(arch, 5);
      const x = rand([c.rows, c.features], 15, 0, 1);
      const eps = rand([c.rows, c.latent], 16);
      const step = (k: StepKernels) => {
        const out = tf.tidy(() => {
          const { grads, stats } = lossGradients(vae, k, x, eps, c.term, 0.8);
          return [stats, ...grads];
        });
        const values = out.map((t) => t.dataSync() as Float32Array);
        tf.dispose(out);
        return values;
      };
      const fused = step(WEBGL_KERNELS);
      await tf.setBackend('cpu');
      try {
        expectClose(fused, step(STOCK_KERNELS), 2e-5);
      } finally {
        await useWebGl();
      }
      tf.dispose([x, eps]);
      vae.dispose();
    });
  }
});
