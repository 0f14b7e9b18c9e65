import * as tf from '@tensorflow/tfjs-core';
import { mixSeed } from '../data/rng';

/**
 * The importance-weighted estimate of log p(x) (Burda et al., "IWAE"):
 *
 *   log p̂(x) = log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x),   z_k ~ q(z|x).
 *
 * Its expectation is a lower bound on log p(x) that rises with K; at K = 1 it
 * is the one-sample ELBO. Work goes in chunks of images × K with fixed shapes;
 * the log weights are read back and reduced in float64 (log-mean-exp around
 * the maximum), so nothing overflows and no precision is lost in the sums.
 */

/** Rows (image × sample pairs) per chunk: big enough to keep a device busy, small enough to post progress often. */
export const IWAE_ROWS_PER_CHUNK = 2048;

/** What the estimator needs of a model: q(z|x), and log p(x|z) for one z per row of x. */
export interface IwaeModel {
  encode(x: tf.Tensor2D): { mu: tf.Tensor2D; logVar: tf.Tensor2D };
  /** x and z have one row per (image, sample) pair → [rows]. Called inside tf.tidy. */
  logLikelihood(x: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D;
}

export interface IwaeOptions {
  k: number;
  seed: number;
  rowsPerChunk?: number;
  /** After each chunk: images done so far, of all. */
  onProgress?(done: number, total: number): void;
  /** Awaited between chunks (the worker yields to its event loop there). */
  between?(): Promise<void>;
  /** Checked between chunks: true stops the estimate with an error. */
  cancelled?(): boolean;
}

export interface IwaeEstimate {
  k: number;
  images: number;
  /** −log p̂(x) with K samples, averaged over the images (nats). */
  negLogPx: number;
  /** −(1/K) Σ_k log w_k averaged over the images: the K-sample estimate of −ELBO, with the same samples (≥ negLogPx, always). */
  negElboSampled: number;
  /** −log p̂(x) using only the first k samples of each image, for k = 1, 10, 100, … below K, then K. */
  byK: { k: number; negLogPx: number }[];
  /** Standard error of negLogPx from the spread across images. */
  stdError: number;
}

/** log (1/count) Σ exp(values[from … from + count)), computed around the maximum. */
export function logMeanExp(values: ArrayLike<number>, from: number, count: number): number {
  let max = -Infinity;
  for (let i = from; i < from + count; i++) if (values[i] > max) max = values[i];
  if (max === Infinity) return Infinity;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = from; i < from + count; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum / count);
}

/** 1, 10, 100, … below k, then k itself. */
export function sampleLadder(k: number): number[] {
  const out: number[] = [];
  for (let s = 1; s < k; s *= 10) out.push(s);
  out.push(k);
  return out;
}

/**
 * log w[i, k] = log p(x_i|z_ik) + log p(z_ik) − log q(z_ik|x_i) with z = μ + σ·ε,
 * for x [n, D] and ε [n, K, L] → [n, K]. The Gaussians' 2π terms cancel.
 */
export function logImportanceWeights(model: IwaeModel, x: tf.Tensor2D, eps: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, k, latent] = eps.shape;
    const { mu, logVar } = model.encode(x);
    const sigma = tf.exp(tf.mul(logVar, 0.5));
    const z = tf.add(tf.expandDims(mu, 1), tf.mul(tf.expandDims(sigma, 1), eps)) as tf.Tensor3D;
    const rows = n * k;
    const xRows = tf.reshape(tf.tile(tf.expandDims(x, 1), [1, k, 1]), [rows, x.shape[1]]) as tf.Tensor2D;
    const logLik = tf.reshape(model.logLikelihood(xRows, tf.reshape(z, [rows, latent]) as tf.Tensor2D), [n, k]);
    // log p(z) − log q(z|x) = −½|z|² + ½|ε|² + ½ Σ log σ².
    const logPrior = tf.mul(tf.sum(tf.square(z), 2), -0.5);
    const logQ = tf.sub(tf.mul(tf.sum(tf.square(eps), 2), -0.5), tf.expandDims(tf.mul(tf.sum(logVar, 1), 0.5), 1));
    return tf.add(logLik, tf.sub(logPrior, logQ)) as tf.Tensor2D;
  });
}

/**
 * −log p̂(x) averaged over every row of `images` ([count, D]), K samples each.
 * Chunks hold the same number of images; the last one overlaps the one before
 * it so its shape stays the same, and its repeated images are counted once.
 */
export async function iwaeEstimate(model: IwaeModel, images: tf.Tensor2D, latent: number, options: IwaeOptions): Promise<IwaeEstimate> {
  const { k, seed } = options;
  if (!Number.isInteger(k) || k < 1) throw new Error(`K must be a whole number ≥ 1 (got ${k})`);
  const count = images.shape[0];
  if (count < 1) throw new Error('there are no images to evaluate');
  const perChunk = Math.max(1, Math.min(count, Math.floor((options.rowsPerChunk ?? IWAE_ROWS_PER_CHUNK) / k)));
  const ladder = sampleLadder(k);
  const ladderSums = new Float64Array(ladder.length);
  let sampledSum = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let c = 0; c * perChunk < count; c++) {
    if (options.cancelled?.()) throw new Error('the evaluation was cancelled');
    const start = Math.min(c * perChunk, count - perChunk);
    const skip = c * perChunk - start;
    const logW = tf.tidy(() => {
      const x = tf.slice(images, [start, 0], [perChunk, images.shape[1]]) as tf.Tensor2D;
      const eps = tf.randomNormal([perChunk, k, latent], 0, 1, 'float32', mixSeed(seed, c)) as tf.Tensor3D;
      return logImportanceWeights(model, x, eps);
    });
    let values: Float32Array | Int32Array | Uint8Array;
    try {
      values = await logW.data();
    } finally {
      logW.dispose();
    }
    for (let i = skip; i < perChunk; i++) {
      const row = i * k;
      const estimate = logMeanExp(values, row, k);
      sum += estimate;
      sumSquares += estimate * estimate;
      ladder.forEach((s, j) => (ladderSums[j] += s === k ? estimate : logMeanExp(values, row, s)));
      let mean = 0;
      for (let s = 0; s < k; s++) mean += values[row + s];
      sampledSum += mean / k;
    }
    options.onProgress?.(start + perChunk, count);
    if (start + perChunk < count) await options.between?.();
  }
  const mean = sum / count;
  const variance = count > 1 ? Math.max(0, (sumSquares - count * mean * mean) / (count - 1)) : 0;
  return {
    k,
    images: count,
    negLogPx: -mean,
    negElboSampled: -sampledSum / count,
    byK: ladder.map((s, j) => ({ k: s, negLogPx: -ladderSums[j] / count })),
    stdError: Math.sqrt(variance / count),
  };
}
