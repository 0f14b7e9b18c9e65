import { beforeAll, describe, expect, it } from 'vitest';
import { activateByStockOps } from '../shared/activate';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './setup-tf';
import { bceFromLogits, klDiagonalGaussian, reconstructionLoss, squaredErrorFromLogits } from '../../src/lib/model/losses';
import { dense, type LayerActivation } from '../../src/lib/model/dense';
import { Vae } from '../../src/lib/model/vae';

beforeAll(async () => {
  await useCpuBackend();
});

// --- Helpers (independent of src) --------------------------------------------

/** mulberry32 + Box–Muller: seeded standard normals in float64. */
function normalStream(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));
const logNormal = (z: number, mu: number, variance: number) =>
  -0.5 * Math.log(2 * Math.PI) - 0.5 * Math.log(variance) - ((z - mu) * (z - mu)) / (2 * variance);

function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// --- KL term -----------------------------------------------------------------

describe('klDiagonalGaussian', () => {
  it('is 0 for the standard normal itself (μ = 0, log σ² = 0)', () => {
    const kl = values(klDiagonalGaussian(tf.zeros([3, 4]) as tf.Tensor2D, tf.zeros([3, 4]) as tf.Tensor2D));
    expect(kl).toHaveLength(3);
    for (const v of kl) expect(v).toBeCloseTo(0, 7);
  });

  it('matches the hand-computed value for μ = [1, 2], log σ² = [0, ln 4]', () => {
    // dim 1: ½(1 + 1 − 1 − 0) = ½; dim 2: ½(4 + 4 − 1 − ln 4) = ½(7 − ln 4); total 4 − ln 2.
    const expected = 4 - Math.log(2);
    const [kl] = values(klDiagonalGaussian(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, Math.log(4)]])));
    expect(kl).toBeCloseTo(expected, 5);
  });

  it('is one value per row, summed over latent dims, and each row is independent', () => {
    const mu = tf.tensor2d([[0, 0], [3, 0], [0, -3]]);
    const lv = tf.tensor2d([[0, 0], [0, 0], [0, 0]]);
    const kl = values(klDiagonalGaussian(mu, lv));
    expect(kl[0]).toBeCloseTo(0, 6);
    expect(kl[1]).toBeCloseTo(4.5, 5); // ½ μ²
    expect(kl[2]).toBeCloseTo(4.5, 5);
    // Pure variance mismatch: σ² = e^{-2} → ½(e^{-2} − 1 + 2).
    const [klVar] = values(klDiagonalGaussian(tf.tensor2d([[0]]), tf.tensor2d([[-2]])));
    expect(klVar).toBeCloseTo(0.5 * (Math.exp(-2) + 1), 5);
    tf.dispose([mu, lv]);
  });

  it('agrees with a Monte Carlo estimate of E_q[log q(z) − log p(z)] (200k samples, |err| < 5·SE)', () => {
    const cases = [
      { mu: [0.5, -1, 0.2], lv: [-1, 0.7, 0] },
      { mu: [-1.5, 0.3], lv: [0.4, -0.6] },
    ];
    const N = 200_000;
    const normal = normalStream(12345);
    for (const { mu, lv } of cases) {
      const [analytic] = values(klDiagonalGaussian(tf.tensor2d([mu]), tf.tensor2d([lv])));
      let sum = 0;
      let sumSq = 0;
      for (let n = 0; n < N; n++) {
        let diff = 0;
        for (let d = 0; d < mu.length; d++) {
          const variance = Math.exp(lv[d]);
          const z = mu[d] + Math.sqrt(variance) * normal();
          diff += logNormal(z, mu[d], variance) - logNormal(z, 0, 1);
        }
        sum += diff;
        sumSq += diff * diff;
      }
      const mean = sum / N;
      const se = Math.sqrt((sumSq / N - mean * mean) / N);
      // The estimator is precise enough for the check to mean something.
      expect(se).toBeLessThan(0.01);
      expect(Math.abs(mean - analytic)).toBeLessThan(5 * se);
    }
  });

  it('has gradients μ and ½(σ² − 1) w.r.t. μ and log σ²', () => {
    const mu = tf.tensor2d([[0.3, -1.2]]);
    const lv = tf.tensor2d([[0.5, -0.8]]);
    const [gMu, gLv] = tf.grads((m: tf.Tensor, l: tf.Tensor) => tf.sum(klDiagonalGaussian(m as tf.Tensor2D, l as tf.Tensor2D)))([mu, lv]);
    expect(maxAbsDiff(values(gMu), [0.3, -1.2])).toBeLessThan(1e-6);
    expect(maxAbsDiff(values(gLv), [0.5 * (Math.exp(0.5) - 1), 0.5 * (Math.exp(-0.8) - 1)])).toBeLessThan(1e-6);
    tf.dispose([mu, lv]);
  });
});

// --- Reconstruction terms ----------------------------------------------------

describe('bceFromLogits', () => {
  it('matches −x log σ(l) − (1 − x) log(1 − σ(l)) summed over pixels', () => {
    const x = [
      [0, 1, 0.5, 0.25],
      [1, 1, 0, 0.9],
    ];
    const l = [
      [0, 2, -1, 3.5],
      [-0.7, 0.1, 4, -2],
    ];
    const expected = x.map((row, r) =>
      row.reduce((acc, xi, c) => {
        const p = sigmoid(l[r][c]);
        return acc - xi * Math.log(p) - (1 - xi) * Math.log(1 - p);
      }, 0),
    );
    const got = values(bceFromLogits(tf.tensor2d(x), tf.tensor2d(l)));
    expect(got).toHaveLength(2);
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5);
    // A logit of 0 costs ln 2 whatever the target.
    const [ln2] = values(bceFromLogits(tf.tensor2d([[0.3]]), tf.tensor2d([[0]])));
    expect(ln2).toBeCloseTo(Math.log(2), 6);
  });

  it('is finite and correct for extreme logits ±50', () => {
    // Confident and right: ≈ e^{-50} ≈ 0. Confident and wrong: ≈ 50 each.
    const got = values(bceFromLogits(tf.tensor2d([[1, 0], [0, 1]]), tf.tensor2d([[50, -50], [50, -50]])));
    for (const v of got) expect(Number.isFinite(v)).toBe(true);
    expect(got[0]).toBeLessThan(1e-6);
    expect(got[0]).toBeGreaterThanOrEqual(0);
    expect(got[1]).toBeCloseTo(100, 3);
    // Gradients stay finite too: d/dl = σ(l) − x.
    const g = tf.grad((lg: tf.Tensor) => tf.sum(bceFromLogits(tf.tensor2d([[1, 0, 1, 0]]), lg as tf.Tensor2D)))(
      tf.tensor2d([[50, -50, -50, 50]]),
    );
    const gv = values(g);
    expect(maxAbsDiff(gv, [0, 0, -1, 1])).toBeLessThan(1e-6);
  });
});

describe('squaredErrorFromLogits', () => {
  it('matches Σ (σ(l) − x)² by hand', () => {
    const x = [
      [0, 1, 0.5],
      [0.2, 0.8, 1],
    ];
    const l = [
      [0, 2, -1],
      [1.5, -0.3, 0.7],
    ];
    const expected = x.map((row, r) => row.reduce((acc, xi, c) => acc + (sigmoid(l[r][c]) - xi) ** 2, 0));
    const got = values(squaredErrorFromLogits(tf.tensor2d(x), tf.tensor2d(l)));
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-6);
    // σ(0) = ½ against 0 → ¼.
    const [quarter] = values(squaredErrorFromLogits(tf.tensor2d([[0]]), tf.tensor2d([[0]])));
    expect(quarter).toBeCloseTo(0.25, 7);
  });

  it('is finite for extreme logits ±50', () => {
    const got = values(squaredErrorFromLogits(tf.tensor2d([[1, 0, 0, 1]]), tf.tensor2d([[50, -50, 50, -50]])));
    expect(Number.isFinite(got[0])).toBe(true);
    expect(got[0]).toBeCloseTo(2, 5);
  });

  it('reconstructionLoss dispatches on the kind', () => {
    const x = tf.tensor2d([[0.2, 0.9]]);
    const l = tf.tensor2d([[0.4, -1]]);
    expect(values(reconstructionLoss('bce', x, l))).toEqual(values(bceFromLogits(x, l)));
    expect(values(reconstructionLoss('mse', x, l))).toEqual(values(squaredErrorFromLogits(x, l)));
    expect(values(reconstructionLoss('bce', x, l))[0]).not.toBeCloseTo(values(reconstructionLoss('mse', x, l))[0], 2);
    tf.dispose([x, l]);
  });
});

// --- Reparameterization gradients -------------------------------------------

describe('Vae.reparameterize', () => {
  const muV = [[0.3, -0.7], [1.1, 0.0]];
  const lvV = [[-0.4, 0.6], [0.2, -1.3]];
  const epsV = [[0.9, -1.4], [-0.5, 0.8]];
  /** Loss: Σ (z − c)², with c fixed, so d/dz = 2(z − c). */
  const cV = [[0.1, 0.2], [-0.3, 0.4]];
  const lossOf = (mu: number[][], lv: number[][]) =>
    mu.reduce(
      (acc, row, r) => acc + row.reduce((a, m, c) => a + (m + Math.exp(0.5 * lv[r][c]) * epsV[r][c] - cV[r][c]) ** 2, 0),
      0,
    );

  it('computes z = μ + exp(½ log σ²)·ε', () => {
    const z = values(Vae.reparameterize(tf.tensor2d(muV), tf.tensor2d(lvV), tf.tensor2d(epsV)));
    const expected = muV.flatMap((row, r) => row.map((m, c) => m + Math.exp(0.5 * lvV[r][c]) * epsV[r][c]));
    expect(maxAbsDiff(z, expected)).toBeLessThan(1e-6);
  });

  it('passes non-zero gradients to μ and log σ² that match the analytic value and finite differences', () => {
    const eps = tf.tensor2d(epsV);
    const c = tf.tensor2d(cV);
    const f = (mu: tf.Tensor, lv: tf.Tensor) =>
      tf.sum(tf.square(tf.sub(Vae.reparameterize(mu as tf.Tensor2D, lv as tf.Tensor2D, eps), c))) as tf.Scalar;
    const [gMu, gLv] = tf.grads(f)([tf.tensor2d(muV), tf.tensor2d(lvV)]);
    const gm = values(gMu);
    const gl = values(gLv);
    // Analytic: dL/dμ = 2(z − c); dL/dlogσ² = 2(z − c)·ε·½σ.
    const analyticMu: number[] = [];
    const analyticLv: number[] = [];
    for (let r = 0; r < 2; r++) {
      for (let k = 0; k < 2; k++) {
        const s = Math.exp(0.5 * lvV[r][k]);
        const z = muV[r][k] + s * epsV[r][k];
        analyticMu.push(2 * (z - cV[r][k]));
        analyticLv.push(2 * (z - cV[r][k]) * epsV[r][k] * 0.5 * s);
      }
    }
    for (const g of [...gm, ...gl]) expect(Math.abs(g)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(gm, analyticMu)).toBeLessThan(1e-5);
    expect(maxAbsDiff(gl, analyticLv)).toBeLessThan(1e-5);

    // Central finite differences in float64 on the same loss.
    const h = 1e-5;
    const fdMu: number[] = [];
    const fdLv: number[] = [];
    for (let r = 0; r < 2; r++) {
      for (let k = 0; k < 2; k++) {
        const bump = (m: number[][], delta: number) => m.map((row, rr) => row.map((v, kk) => (rr === r && kk === k ? v + delta : v)));
        fdMu.push((lossOf(bump(muV, h), lvV) - lossOf(bump(muV, -h), lvV)) / (2 * h));
        fdLv.push((lossOf(muV, bump(lvV, h)) - lossOf(muV, bump(lvV, -h))) / (2 * h));
      }
    }
    expect(maxAbsDiff(gm, fdMu)).toBeLessThan(1e-4);
    expect(maxAbsDiff(gl, fdLv)).toBeLessThan(1e-4);
    tf.dispose([eps, c]);
  });

  it('gives non-zero variable gradients through a whole Vae loss (tf.variableGrads)', () => {
    const vae = new Vae({ inputSize: 6, hidden: [5], latent: 2, act: 'tanh' }, 3);
    const x = tf.tensor2d([[0, 0.5, 1, 0.2, 0.9, 0.1], [1, 0, 0.3, 0.7, 0.4, 0.6]]);
    const eps = tf.tensor2d([[0.5, -1], [1.2, 0.3]]);
    const { value, grads } = tf.variableGrads(() => {
      const { recon, kl } = vae.lossTerms(x, eps, 'bce');
      return tf.add(recon, kl) as tf.Scalar;
    }, vae.variables);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const names = vae.variables.map((v) => v.name);
    expect(Object.keys(grads).sort()).toEqual([...names].sort());
    for (const v of vae.variables) {
      const g = grads[v.name];
      expect(g.shape).toEqual(v.shape);
      const norm = tf.norm(g).dataSync()[0];
      // Biases of the decoder output and hidden layers all receive signal, as does the encoder head.
      expect(norm).toBeGreaterThan(0);
      expect(Number.isFinite(norm)).toBe(true);
    }
    tf.dispose([value, x, eps, ...Object.values(grads)]);
    vae.dispose();
  });
});

// --- Custom-gradient dense layer vs stock tfjs --------------------------------

describe('dense (custom gradient)', () => {
  const ACTS: LayerActivation[] = ['relu', 'leakyrelu', 'elu', 'tanh', 'sigmoid', 'linear'];

  it('leaky ReLU keeps 0.2 of a negative input, in its value and its gradient (as the PyTorch export promises)', () => {
    // A 1×1 identity layer: the output is the activation itself, so value/input is the slope.
    const x = tf.tensor2d([[-3], [-0.5], [-1e-3], [2]]);
    const w = tf.tensor2d([[1]]);
    const b = tf.zeros([1]) as tf.Tensor1D;
    const layer = (input: tf.Tensor) => dense(input as tf.Tensor2D, w, b, 'leakyrelu');
    const inputs = Array.from(x.dataSync());
    const slopes = values(layer(x)).map((y, i) => y / inputs[i]);
    const gradient = values(tf.grad((input: tf.Tensor) => tf.sum(layer(input)))(x));
    for (const [i, input] of inputs.entries()) {
      const expected = input < 0 ? 0.2 : 1;
      expect(slopes[i], `value at ${input}`).toBeCloseTo(expected, 6);
      expect(gradient[i], `gradient at ${input}`).toBeCloseTo(expected, 6);
    }
    tf.dispose([x, w, b]);
  });

  for (const act of ACTS) {
    it(`matches stock tfjs values and gradients for '${act}'`, () => {
      const x = tf.randomNormal([6, 7], 0, 1.5, 'float32', 11) as tf.Tensor2D;
      const w = tf.randomNormal([7, 5], 0, 0.8, 'float32', 12) as tf.Tensor2D;
      const b = tf.randomNormal([5], 0, 0.5, 'float32', 13) as tf.Tensor1D;
      const dy = tf.randomNormal([6, 5], 0, 1, 'float32', 14) as tf.Tensor2D;

      const ours = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => dense(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, act);
      const stock = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        activateByStockOps(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb) as tf.Tensor2D, act);

      const yOurs = ours(x, w, b);
      const yStock = stock(x, w, b);
      const pre = tf.add(tf.matMul(x, w), b);
      // The data hits both sides of every kink, so the slope branches are all exercised.
      const preVals = pre.dataSync();
      expect(preVals.some((v) => v > 0.05)).toBe(true);
      expect(preVals.some((v) => v < -0.05)).toBe(true);
      expect(maxAbsDiff(yOurs.dataSync(), yStock.dataSync())).toBeLessThan(1e-5);

      // Gradients of Σ dy ⊙ y (i.e. backprop of an arbitrary upstream gradient).
      const lossOurs = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(ours(a, c, d), dy)) as tf.Scalar;
      const lossStock = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(stock(a, c, d), dy)) as tf.Scalar;
      const gOurs = tf.grads(lossOurs)([x, w, b]);
      const gStock = tf.grads(lossStock)([x, w, b]);
      const labels = ['dx', 'dW', 'db'];
      gOurs.forEach((g, i) => {
        expect(g.shape, labels[i]).toEqual(gStock[i].shape);
        const stockVals = gStock[i].dataSync();
        expect(maxAbsDiff(g.dataSync(), stockVals), `${act} ${labels[i]}`).toBeLessThan(1e-4);
        expect(Array.from(stockVals).some((v) => Math.abs(v) > 1e-3), `${act} ${labels[i]} non-trivial`).toBe(true);
      });

      // Also through tf.variableGrads, as the trainer calls it.
      const wv = tf.variable(w);
      const bv = tf.variable(b);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(dense(x, wv, bv, act), dy)) as tf.Scalar, [wv, bv]);
      expect(maxAbsDiff(grads[wv.name].dataSync(), gStock[1].dataSync())).toBeLessThan(1e-4);
      expect(maxAbsDiff(grads[bv.name].dataSync(), gStock[2].dataSync())).toBeLessThan(1e-4);

      tf.dispose([x, w, b, dy, yOurs, yStock, pre, wv, bv, ...gOurs, ...gStock, ...Object.values(grads)]);
    });
  }

  it('does not leak tensors in forward + backward', () => {
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.variable(tf.randomNormal([3, 2], 0, 1, 'float32', 2) as tf.Tensor2D);
    const b = tf.variable(tf.zeros([2]) as tf.Tensor1D);
    const run = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(dense(x, w, b, 'elu')) as tf.Scalar, [w, b]);
        return [value, ...Object.values(grads)];
      });
    tf.dispose(run());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(run());
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b]);
  });
});
