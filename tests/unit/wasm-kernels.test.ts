import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { lossGradients, type StepKernels } from '../../src/lib/model/backprop';
import { STOCK_KERNELS } from '../../src/lib/model/stock-kernels';
import { WASM_KERNELS } from '../../src/lib/model/wasm/kernels';
import { heapMemory } from '../../src/lib/model/wasm/heap';
import { simdAdamFor, simdAdamModule } from '../../src/lib/model/wasm/simd-adam';
import { Vae } from '../../src/lib/model/vae';
import type { ReconTerm } from '../../src/lib/model/recon-term';
import type { Activation } from '../../src/lib/config/types';
import type { LayerActivation } from '../../src/lib/model/architecture';
import { activateByStockOps } from '../shared/activate';

/**
 * The wasm step's own kernels (JavaScript passes over the heap, products by
 * XNNPACK) against the stock tfjs ops they replace, on the wasm backend, on
 * odd shapes: values, tensors left behind, a whole step's gradients, and Adam.
 */
beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}

/** Runs `run` with both kernel sets; each must leave exactly its outputs behind, and they must agree. */
function agree(run: (k: StepKernels) => tf.Tensor[], tolerance = 1e-5): void {
  const results = [WASM_KERNELS, STOCK_KERNELS].map((k) => {
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => run(k));
    expect(tf.memory().numTensors - before).toBe(out.length);
    return out;
  });
  results[0].forEach((t, i) => {
    expect(t.shape).toEqual(results[1][i].shape);
    expect(maxRelDiff(t.dataSync(), results[1][i].dataSync())).toBeLessThanOrEqual(tolerance);
  });
  tf.dispose(results.flat());
}

const rows = 7;
const latent = 3;
const x = () => tf.randomUniform([rows, 13], 0, 1, 'float32', 1) as tf.Tensor2D;
const logits = () => tf.randomNormal([rows, 13], 0, 4, 'float32', 2) as tf.Tensor2D;
// Raw log σ² spread far past the clamp, so its slope is exercised away from 1.
const encoded = () => tf.concat([tf.randomNormal([rows, latent], 0, 1, 'float32', 3), tf.randomNormal([rows, latent], 0, 8, 'float32', 4)], 1) as tf.Tensor2D;
const eps = () => tf.randomNormal([rows, latent], 0, 1, 'float32', 5) as tf.Tensor2D;

describe('wasm step kernels match the stock ops', () => {
  it('runs on wasm', () => expect(tf.getBackend()).toBe('wasm'));

  it('batchRows gathers rows order[start…] of the data', () => {
    const data = tf.randomUniform([40, 13], 0, 1, 'float32', 6) as tf.Tensor2D;
    const order = tf.tensor1d([...Array(40).keys()].map((i) => (i * 17) % 40), 'int32');
    agree((k) => [k.batchRows(data, order, 9, rows)], 0);
    tf.dispose([data, order]);
  });

  it('sampleLatent and latentGrad', () => {
    agree((k) => [k.sampleLatent(encoded(), eps())]);
    agree((k) => [k.latentGrad(tf.randomNormal([rows, latent], 0, 1, 'float32', 7) as tf.Tensor2D, encoded(), eps(), 2.5)]);
  });

  for (const term of ['bce', 'mse', 'gaussian'] as ReconTerm[]) {
    it(`rowTerms, lossStats and reconGrad for '${term}'`, () => {
      agree((k) => [k.rowTerms(term, x(), logits(), encoded())]);
      agree((k) => [k.lossStats(term, x(), logits(), encoded(), 0.7)]);
      agree((k) => [k.reconGrad(term, x(), logits())]);
    });
  }

  it('weightGrads: inputᵀ·dPre and the column sums', () => {
    agree((k) => {
      const { dw, db } = k.weightGrads(tf.randomNormal([rows, 11], 0, 1, 'float32', 8) as tf.Tensor2D, tf.randomNormal([rows, 5], 0, 1, 'float32', 9) as tf.Tensor2D);
      return [dw, db];
    });
  });

  for (const act of ['linear', 'relu', 'leakyrelu', 'elu', 'sigmoid', 'tanh'] as LayerActivation[]) {
    it(`inputGrad through '${act}'`, () => {
      agree((k) => {
        const pre = tf.randomNormal([rows, 11], 0, 1.5, 'float32', 10) as tf.Tensor2D;
        const input = activateByStockOps(pre, act);
        return [k.inputGrad(tf.randomNormal([rows, 5], 0, 1, 'float32', 11) as tf.Tensor2D, tf.randomNormal([11, 5], 0, 1, 'float32', 12) as tf.Tensor2D, input, act)];
      });
    });
  }
});

describe('a whole wasm step', () => {
  const cases: { act: Activation; term: ReconTerm; features: number }[] = [
    { act: 'relu', term: 'bce', features: 12 },
    { act: 'elu', term: 'mse', features: 9 },
    { act: 'tanh', term: 'gaussian', features: 2 },
  ];
  for (const c of cases) {
    it(`gradients equal the stock kernels': ${c.act}, ${c.term}`, () => {
      const vae = new Vae({ inputSize: c.features, hidden: [6, 5], latent: 2, act: c.act }, 3);
      const data = (c.term === 'gaussian' ? tf.randomNormal([9, c.features], 0, 1, 'float32', 5) : tf.randomUniform([9, c.features], 0, 1, 'float32', 5)) as tf.Tensor2D;
      const noise = tf.randomNormal([9, 2], 0, 1, 'float32', 6) as tf.Tensor2D;
      agree((k) => {
        const { grads, stats } = lossGradients(vae, k, data, noise, c.term, 1.5);
        return [stats, ...grads];
      }, 1e-4);
      tf.dispose([data, noise]);
      vae.dispose();
    });
  }
});

describe('fused Adam on the heap', () => {
  it('runs as WebAssembly SIMD on the backend’s own memory (plain and shared)', () => {
    const memory = heapMemory();
    expect(memory).not.toBeNull();
    expect(simdAdamFor(memory!)).toBeTypeOf('function');
    expect(WebAssembly.validate(simdAdamModule(false))).toBe(true);
    expect(WebAssembly.validate(simdAdamModule(true))).toBe(true);
  });

  function train(k: StepKernels, optimizer: tf.Optimizer, steps: number): Float32Array[] {
    // 15 values: three SIMD groups and a tail of three; 3 values: the tail alone.
    const variables = [tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', 20)), tf.variable(tf.randomNormal([3], 0, 1, 'float32', 21))];
    for (let s = 0; s < steps; s++) {
      const grads = [tf.randomNormal([5, 3], 0, 1, 'float32', 30 + s), tf.randomNormal([3], 0, 1, 'float32', 40 + s)];
      k.applyGradients(optimizer, variables, grads);
      tf.dispose(grads);
    }
    const values = variables.map((v) => v.dataSync() as Float32Array);
    tf.dispose(variables);
    return values;
  }

  it('moves weights as tfjs Adam does, keeps its state, and leaves no tensors', async () => {
    const ours = tf.train.adam(0.05);
    const stock = tf.train.adam(0.05);
    const before = tf.memory().numTensors;
    const mine = train(WASM_KERNELS, ours, 6);
    const reference = train(STOCK_KERNELS, stock, 6);
    mine.forEach((w, i) => expect(maxRelDiff(w, reference[i])).toBeLessThan(1e-5));
    // The state a checkpoint reads: iterations, β powers and both moments per variable.
    const [a, b] = await Promise.all([ours.getWeights(), stock.getWeights()]);
    // Names follow each run's own variables; the layout (iterations, then m and v per variable) must match.
    expect(a.map((w) => w.tensor.shape)).toEqual(b.map((w) => w.tensor.shape));
    expect(a.length).toBe(5);
    a.forEach((w, i) => expect(maxRelDiff(w.tensor.dataSync(), b[i].tensor.dataSync())).toBeLessThan(1e-5));
    // getWeights made a fresh iteration-count scalar for each; the rest are the optimizers' own variables.
    tf.dispose([a[0].tensor, b[0].tensor]);
    ours.dispose();
    stock.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves other optimizers to tfjs', () => {
    const mine = train(WASM_KERNELS, tf.train.rmsprop(0.01), 3);
    const reference = train(STOCK_KERNELS, tf.train.rmsprop(0.01), 3);
    mine.forEach((w, i) => expect(maxRelDiff(w, reference[i])).toBeLessThan(1e-6));
  });
});
