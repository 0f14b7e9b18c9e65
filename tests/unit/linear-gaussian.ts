import * as tf from '@tensorflow/tfjs-core';
import type { LogLikelihood } from '../../src/lib/training/posterior';

/**
 * A linear decoder with a Gaussian likelihood: x = W z + b + noise, noise ~ N(0, s² I).
 * W's columns are orthogonal, so the exact posterior is a diagonal Gaussian a VAE's q can match.
 */
export function linearGaussian() {
  const D = 6;
  const s = 0.7;
  const w0 = [1.2, 0.5, 0, 0, -0.3, 0];
  const w1 = [0, 0, 0.8, -0.6, 0, 0.4];
  const b = [0.1, -0.2, 0.3, 0, 0.5, -0.1];
  const x = [1.5, 0.2, -0.4, 0.9, 0.1, 0.3];
  const W = tf.tensor2d([w0, w1]); // [2, D]: z @ W
  const logLik: LogLikelihood = (z) => {
    const mean = tf.add(tf.matMul(z, W), tf.tensor1d(b));
    const sq = tf.sum(tf.square(tf.sub(tf.tensor1d(x), mean)), 1);
    return tf.sub(tf.mul(sq, -0.5 / (s * s)), 0.5 * D * Math.log(2 * Math.PI * s * s)) as tf.Tensor1D;
  };
  const dot = (u: number[], v: number[]) => u.reduce((acc, ui, i) => acc + ui * v[i], 0);
  const r = x.map((xi, i) => xi - b[i]);
  const precision = [1 + dot(w0, w0) / (s * s), 1 + dot(w1, w1) / (s * s)];
  const mean = [dot(w0, r) / (s * s) / precision[0], dot(w1, r) / (s * s) / precision[1]];
  // log p(x) = log p(x|z) + log p(z) − log p(z|x) at any z; at the posterior mean log p(z|x) = −log 2π + ½ Σ log Λ.
  const resid = x.map((xi, i) => xi - b[i] - mean[0] * w0[i] - mean[1] * w1[i]);
  const logLikAtMean = -0.5 * dot(resid, resid) / (s * s) - 0.5 * D * Math.log(2 * Math.PI * s * s);
  const logPriorAtMean = -0.5 * (mean[0] ** 2 + mean[1] ** 2) - Math.log(2 * Math.PI);
  const logPostAtMean = -Math.log(2 * Math.PI) + 0.5 * (Math.log(precision[0]) + Math.log(precision[1]));
  return { logLik, mean, variance: precision.map((p) => 1 / p), logPx: logLikAtMean + logPriorAtMean - logPostAtMean, dispose: () => W.dispose() };
}

/** KL(N(m1, diag v1) ‖ N(m2, diag v2)). */
export function gaussKl(m1: number[], v1: number[], m2: number[], v2: number[]): number {
  return m1.reduce((acc, _, d) => acc + 0.5 * (Math.log(v2[d] / v1[d]) + (v1[d] + (m1[d] - m2[d]) ** 2) / v2[d] - 1), 0);
}
