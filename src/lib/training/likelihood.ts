import * as tf from '@tensorflow/tfjs-core';
import type { ReconTerm } from '../model/recon-term';
import { reconstructionLoss } from '../model/losses';
import type { Vae } from '../model/vae';

/**
 * log p(x|z) under the loss in force: minus the app's own reconstruction term,
 * so a bound computed with it is on the same scale as the −ELBO the app reports.
 * For bce that is the Bernoulli likelihood on the decoder's logits; for mse it
 * is −Σ(x − x̂)², a Gaussian of variance ½ per pixel without its constant;
 * for 2-D points it is the Gaussian of σ = POINT_SIGMA, constant included.
 * `x` is [1, features] (broadcast against every z) or one row per z.
 * The one definition: the posterior probe and the importance-weighted bound both use it.
 */
export function decoderLogLikelihood(vae: Vae, recon: ReconTerm, x: tf.Tensor2D): (z: tf.Tensor2D) => tf.Tensor1D {
  return (z) => tf.tidy(() => tf.neg(reconstructionLoss(recon, x, vae.decodeLogits(z))));
}
