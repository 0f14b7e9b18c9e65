import * as tf from '@tensorflow/tfjs-core';
import { POINT_SIGMA, type ReconTerm } from './recon-term';

/**
 * Bernoulli negative log-likelihood (binary cross-entropy) from logits, summed
 * over pixels: one value per image, in nats. Written in the stable form
 * max(l, 0) − l·x + log(1 + e^−|l|) so large logits never overflow.
 */
export function bceFromLogits(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const perPixel = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.sum(perPixel, 1) as tf.Tensor1D;
  });
}

/**
 * Squared error between the image and the decoder's mean sigmoid(logits),
 * summed over pixels. Up to the constant ½·784·log 2π and a factor ½, this is
 * the Gaussian negative log-likelihood with unit variance.
 */
export function squaredErrorFromLogits(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.squaredDifference(tf.sigmoid(logits), x), 1) as tf.Tensor1D);
}

export const HALF_LOG_TWO_PI_VAR = 0.5 * Math.log(2 * Math.PI * POINT_SIGMA * POINT_SIGMA);

/**
 * Gaussian negative log-likelihood of x under N(mean, σ²·I), σ = POINT_SIGMA,
 * with the decoder's outputs taken as the mean directly: Σ (x − mean)²/(2σ²) +
 * ½ log 2πσ² per dimension, in nats, constant included (so it is a real
 * density and may be negative).
 */
export function gaussianNll(x: tf.Tensor2D, mean: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const perDim = tf.add(tf.div(tf.squaredDifference(mean, x), 2 * POINT_SIGMA * POINT_SIGMA), HALF_LOG_TWO_PI_VAR);
    return tf.sum(perDim, 1) as tf.Tensor1D;
  });
}

export function reconstructionLoss(kind: ReconTerm, x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  if (kind === 'gaussian') return gaussianNll(x, logits);
  return kind === 'bce' ? bceFromLogits(x, logits) : squaredErrorFromLogits(x, logits);
}

/** The decoder's mean from its linear outputs: sigmoid for pixel intensities, the outputs themselves for points. */
export function decoderMean(kind: ReconTerm, logits: tf.Tensor2D): tf.Tensor2D {
  return kind === 'gaussian' ? tf.clone(logits) : tf.sigmoid(logits);
}

/**
 * KL(N(μ, σ²) ‖ N(0, I)) for a diagonal Gaussian, summed over latent
 * dimensions: ½ Σ (μ² + σ² − 1 − log σ²). One value per image, in nats.
 */
export function klDiagonalGaussian(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const perDim = tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1));
    return tf.mul(tf.sum(perDim, 1), 0.5) as tf.Tensor1D;
  });
}
