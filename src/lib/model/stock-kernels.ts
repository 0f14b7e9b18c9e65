import * as tf from '@tensorflow/tfjs-core';
import type { StepKernels } from './backprop';
import { dense, activationSlope } from './dense';
import { POINT_SIGMA } from './recon-term';
import { klDiagonalGaussian, reconstructionLoss } from './losses';
import { clampLogVar, clampLogVarSlope, Vae } from './vae';

/** [μ, clamped log σ², raw log σ²] from the encoder's output [μ | raw]. */
function splitEncoded(encoded: tf.Tensor2D): { mu: tf.Tensor2D; logVar: tf.Tensor2D; raw: tf.Tensor2D } {
  const [mu, raw] = tf.split(encoded, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  return { mu, logVar: clampLogVar(raw), raw };
}

/**
 * a·bᵀ or aᵀ·b. wasm takes XNNPACK's fast path only when neither operand is
 * transposed, so there the transpose is made explicitly first; elsewhere a
 * transpose is a real copy and the matmul kernels take the flag for free.
 */
function matMulT(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  if (tf.getBackend() !== 'wasm') return tf.matMul(a, b, transposeA, transposeB);
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
}

/** The step's kernels as stock tfjs ops: every backend runs these (WebGL has fused programs instead). */
export const STOCK_KERNELS: StepKernels = {
  batchRows: (data, order, start, count) => tf.gather(data, tf.slice(order, [start], [count])) as tf.Tensor2D,

  dense: (x, layer) => dense(x, layer.weights, layer.bias, layer.act),

  sampleLatent(encoded, eps) {
    const { mu, logVar } = splitEncoded(encoded);
    return Vae.reparameterize(mu, logVar, eps);
  },

  rowTerms(term, x, logits, encoded) {
    const { mu, logVar } = splitEncoded(encoded);
    return tf.stack([reconstructionLoss(term, x, logits), klDiagonalGaussian(mu, logVar)], 1) as tf.Tensor2D;
  },

  lossStats(term, x, logits, encoded, beta) {
    return tf.concat([tf.mean(STOCK_KERNELS.rowTerms(term, x, logits, encoded), 0), tf.tensor1d([beta])]) as tf.Tensor1D;
  },

  reconGrad(term, x, logits) {
    const rows = x.shape[0];
    if (term === 'gaussian') return tf.div(tf.sub(logits, x), POINT_SIGMA * POINT_SIGMA * rows);
    const mean = tf.sigmoid(logits);
    const diff = tf.sub(mean, x);
    // Bernoulli: σ(l) − x. Squared error: 2(σ(l) − x)·σ'(l), with σ' = σ(1 − σ).
    if (term === 'bce') return tf.div(diff, rows);
    return tf.mul(tf.mul(diff, tf.mul(mean, tf.sub(1, mean))), 2 / rows);
  },

  latentGrad(dz, encoded, eps, beta) {
    const { mu, logVar, raw } = splitEncoded(encoded);
    const klScale = beta / dz.shape[0];
    // KL = ½Σ(μ² + e^v − v − 1): ∂/∂μ = μ, ∂/∂v = ½(e^v − 1). z = μ + e^{v/2}·ε: ∂z/∂v = ½·e^{v/2}·ε.
    const dMu = tf.add(dz, tf.mul(mu, klScale));
    const dLogVar = tf.add(tf.mul(tf.mul(dz, eps), tf.mul(tf.exp(tf.mul(logVar, 0.5)), 0.5)), tf.mul(tf.sub(tf.exp(logVar), 1), 0.5 * klScale));
    return tf.concat([dMu, tf.mul(dLogVar, clampLogVarSlope(raw))], 1) as tf.Tensor2D;
  },

  weightGrads(input, dPre) {
    return { dw: matMulT(input, dPre, true, false), db: tf.sum(dPre, 0) };
  },

  inputGrad(dPre, weights, input, inputAct) {
    const dInput = matMulT(dPre, weights, false, true);
    return inputAct === 'linear' ? dInput : tf.mul(dInput, activationSlope(input, inputAct));
  },

  applyGradients(optimizer, variables, grads) {
    optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i] })));
  },
};
