import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { lossGradients } from '../../src/lib/model/backprop';
import { STOCK_KERNELS } from '../../src/lib/model/stock-kernels';
import { Vae, type VaeArchitecture } from '../../src/lib/model/vae';
import type { ReconTerm } from '../../src/lib/model/recon-term';
import type { Activation } from '../../src/lib/config/types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}

/** The reference: tfjs's own autodiff of recon + β·KL through the model's forward pass. */
function tapeGradients(vae: Vae, x: tf.Tensor2D, eps: tf.Tensor2D, term: ReconTerm, beta: number) {
  return tf.tidy(() => {
    let stats: tf.Tensor | undefined;
    const { grads } = tf.variableGrads(() => {
      const { recon, kl } = vae.lossTerms(x, eps, term);
      stats = tf.keep(tf.stack([recon, kl]));
      return tf.add(recon, tf.mul(kl, beta)) as tf.Scalar;
    }, vae.variables);
    return { grads: vae.variables.map((v) => grads[v.name]), stats: stats! };
  });
}

const cases: { act: Activation; term: ReconTerm; latent: number; rows: number; features: number; beta: number }[] = [
  { act: 'relu', term: 'bce', latent: 2, rows: 8, features: 12, beta: 1 },
  { act: 'leakyrelu', term: 'mse', latent: 3, rows: 7, features: 9, beta: 0.5 },
  { act: 'elu', term: 'bce', latent: 1, rows: 5, features: 10, beta: 4 },
  { act: 'sigmoid', term: 'mse', latent: 2, rows: 6, features: 8, beta: 0 },
  { act: 'tanh', term: 'gaussian', latent: 2, rows: 9, features: 2, beta: 1 },
];

describe('explicit backpropagation (lossGradients) with the stock kernels', () => {
  for (const c of cases) {
    it(`matches tfjs autodiff: ${c.act}, ${c.term}, latent ${c.latent}, ${c.rows} rows, β = ${c.beta}`, () => {
      const arch: VaeArchitecture = { inputSize: c.features, hidden: [6, 5], latent: c.latent, act: c.act };
      const vae = new Vae(arch, 3);
      // Wide encoder outputs so the log σ² clamp's slope is exercised away from 1.
      vae.encoder[2].bias.assign(tf.tensor1d(Array.from({ length: 2 * c.latent }, (_, i) => (i >= c.latent ? 6 * (i % 2 ? 1 : -1) : 0.3))));
      const x = (c.term === 'gaussian' ? tf.randomNormal([c.rows, c.features], 0, 1, 'float32', 5) : tf.randomUniform([c.rows, c.features], 0, 1, 'float32', 5)) as tf.Tensor2D;
      const eps = tf.randomNormal([c.rows, c.latent], 0, 1, 'float32', 6) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      const ours = tf.tidy(() => {
        const { grads, stats } = lossGradients(vae, STOCK_KERNELS, x, eps, c.term, c.beta);
        return [stats, ...grads];
      });
      expect(tf.memory().numTensors - before).toBe(1 + vae.variables.length);
      const reference = tapeGradients(vae, x, eps, c.term, c.beta);
      const [stats, ...grads] = ours;
      const s = stats.dataSync();
      const r = reference.stats.dataSync();
      expect(Math.abs(s[0] - r[0])).toBeLessThan(1e-4 * Math.max(1, Math.abs(r[0])));
      expect(Math.abs(s[1] - r[1])).toBeLessThan(1e-4 * Math.max(1, Math.abs(r[1])));
      expect(s[2]).toBe(c.beta);
      grads.forEach((g, i) => {
        expect(g.shape, `variable ${i}`).toEqual(reference.grads[i].shape);
        const want = reference.grads[i].dataSync();
        expect(Array.from(want).some((v) => Math.abs(v) > 1e-6), `variable ${i} has a gradient`).toBe(true);
        expect(maxRelDiff(g.dataSync(), want), `variable ${i}`).toBeLessThan(1e-4);
      });
      tf.dispose([...ours, ...reference.grads, reference.stats, x, eps]);
      vae.dispose();
    });
  }
});
