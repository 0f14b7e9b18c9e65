/**
 * The training step's kernels on the wasm backend. Matrix products stay
 * tfjs's (XNNPACK). The work between them (batch gather, sampling, KL
 * terms, bias gradients) is single JavaScript passes over the heap
 * (heap.ts), and Adam one WebAssembly SIMD pass (simd-adam.ts), where
 * stock tfjs runs about 300 kernels a step, each with its own allocation
 * and call overhead. Registered for 'wasm' when its code loads; everything
 * here runs only on that backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { StepKernels } from '../backprop';
import type { LayerActivation } from '../architecture';
import { clampLogVarSlopeValue, clampLogVarValue, klOfDimension } from '../architecture';
import { LEAKY_ALPHA } from '../activation-constants';
import { fusedAdamStep, type AdamStep } from '../adam-state';
import { denseForward } from '../dense';
import { reconstructionLoss } from '../losses';
import type { ReconTerm } from '../recon-term';
import { registerStepKernels } from '../kernel-registry';
import { STOCK_KERNELS } from '../stock-kernels';
import { heapMemory, heapOffset, heapTensor, heapTensors, heapView } from './heap';
import { simdAdamFor, type SimdAdam } from './simd-adam';

/**
 * Each row's reconstruction term as tfjs ops: their exp/log run vectorised in
 * wasm, several times faster than Math.exp per value in JavaScript.
 * Bernoulli: Σ softplus(l) − l·x, the stable form of max(l, 0) − l·x + log(1 + e^−|l|).
 */
function reconRows(term: ReconTerm, x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  if (term === 'bce') return tf.sum(tf.sub(tf.softplus(logits), tf.mul(logits, x)), 1);
  return reconstructionLoss(term, x, logits);
}

/** The activation's slope from the layer's output b (as dense.ts's activationSlope). */
function slopeOf(act: LayerActivation): (b: number) => number {
  switch (act) {
    case 'linear':
      return () => 1;
    case 'relu':
      return (b) => (b > 0 ? 1 : 0);
    case 'leakyrelu':
      return (b) => (b > 0 ? 1 : LEAKY_ALPHA);
    case 'elu':
      return (b) => (b > 0 ? 1 : b + 1);
    case 'sigmoid':
      return (b) => b * (1 - b);
    case 'tanh':
      return (b) => 1 - b * b;
  }
}

/** Per row [reconstruction term, KL], written into `out` (rows × 2). */
function fillRowTerms(out: Float32Array, term: ReconTerm, x: tf.Tensor2D, logits: tf.Tensor2D, encoded: tf.Tensor2D): void {
  const rows = x.shape[0];
  const latent = encoded.shape[1] / 2;
  tf.tidy(() => {
    const perRow = heapView(reconRows(term, x, logits));
    const enc = heapView(encoded);
    for (let r = 0; r < rows; r++) {
      let kl = 0;
      for (let c = 0; c < latent; c++) kl += klOfDimension(enc[r * 2 * latent + c], clampLogVarValue(enc[r * 2 * latent + latent + c]));
      out[2 * r] = perRow[r];
      out[2 * r + 1] = kl;
    }
  });
}

/**
 * One variable's Adam update into [m₁, v₁, w₁]: four values at a time by the
 * SIMD function where there is one, the rest (and everything without SIMD) in
 * JavaScript with the same formula.
 */
function adamUpdate(step: AdamStep, simdAdam: SimdAdam | null, [grad, m, v, w]: tf.Tensor[], [mOut, vOut, wOut]: Float32Array[]): void {
  const { beta1, beta2, lr, epsilon, correction1, correction2 } = step;
  const f = Math.fround;
  const vectorised = simdAdam ? mOut.length - (mOut.length % 4) : 0;
  if (simdAdam && vectorised > 0) {
    const offsets = [grad, m, v, w].map(heapOffset);
    simdAdam(offsets[0], offsets[1], offsets[2], offsets[3], mOut.byteOffset, vOut.byteOffset, wOut.byteOffset, 4 * vectorised, f(beta1), f(1 - beta1), f(beta2), f(1 - beta2), correction1, correction2, f(epsilon), f(-lr));
  }
  const g = heapView(grad);
  const mIn = heapView(m);
  const vIn = heapView(v);
  const wIn = heapView(w);
  for (let j = vectorised; j < g.length; j++) {
    const mj = beta1 * mIn[j] + (1 - beta1) * g[j];
    const vj = beta2 * vIn[j] + (1 - beta2) * g[j] * g[j];
    mOut[j] = mj;
    vOut[j] = vj;
    wOut[j] = (mj / correction1 / (Math.sqrt(vj / correction2) + epsilon)) * -lr + wIn[j];
  }
}

export const WASM_KERNELS: StepKernels = {
  batchRows(data, order, start, count) {
    if (data.dtype !== 'float32') return STOCK_KERNELS.batchRows(data, order, start, count);
    const cols = data.shape[1];
    return heapTensor([count, cols], (out) => {
      const source = heapView(data);
      const rows = heapView(order);
      for (let r = 0; r < count; r++) {
        const from = rows[start + r] * cols;
        out.set(source.subarray(from, from + cols), r * cols);
      }
    });
  },

  dense: (x, layer) => denseForward(x, layer.weights, layer.bias, layer.act),

  sampleLatent(encoded, eps) {
    const [rows, latent] = eps.shape;
    return heapTensor([rows, latent], (out) => {
      const enc = heapView(encoded);
      const noise = heapView(eps);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < latent; c++) {
          const mu = enc[r * 2 * latent + c];
          out[r * latent + c] = mu + Math.exp(0.5 * clampLogVarValue(enc[r * 2 * latent + latent + c])) * noise[r * latent + c];
        }
      }
    });
  },

  rowTerms(term, x, logits, encoded) {
    // Filled in a JavaScript array first: the terms are computed by tfjs ops, whose heap allocations may move a heap view.
    const perRow = new Float32Array(2 * x.shape[0]);
    fillRowTerms(perRow, term, x, logits, encoded);
    return tf.tensor2d(perRow, [x.shape[0], 2]);
  },

  lossStats(term, x, logits, encoded, beta) {
    const rows = x.shape[0];
    const perRow = new Float32Array(2 * rows);
    fillRowTerms(perRow, term, x, logits, encoded);
    let recon = 0;
    let kl = 0;
    for (let r = 0; r < rows; r++) {
      recon += perRow[2 * r];
      kl += perRow[2 * r + 1];
    }
    return tf.tensor1d([recon / rows, kl / rows, beta]);
  },

  // Stock: three vectorised ops beat a JavaScript pass that calls Math.exp per value.
  reconGrad: STOCK_KERNELS.reconGrad,

  latentGrad(dz, encoded, eps, beta) {
    const [rows, latent] = eps.shape;
    const klScale = beta / rows;
    return heapTensor([rows, 2 * latent], (out) => {
      const d = heapView(dz);
      const enc = heapView(encoded);
      const noise = heapView(eps);
      for (let r = 0; r < rows; r++) {
        const row = r * 2 * latent;
        for (let c = 0; c < latent; c++) {
          // KL = ½Σ(μ² + e^v − v − 1): ∂/∂μ = μ, ∂/∂v = ½(e^v − 1). z = μ + e^{v/2}·ε: ∂z/∂v = ½·e^{v/2}·ε.
          const dzValue = d[r * latent + c];
          out[row + c] = dzValue + klScale * enc[row + c];
          const raw = enc[row + latent + c];
          const logVar = clampLogVarValue(raw);
          const dLogVar = 0.5 * dzValue * noise[r * latent + c] * Math.exp(0.5 * logVar) + 0.5 * klScale * (Math.exp(logVar) - 1);
          out[row + latent + c] = dLogVar * clampLogVarSlopeValue(raw);
        }
      }
    });
  },

  weightGrads(input, dPre) {
    const [rows, cols] = dPre.shape;
    const db = heapTensor<tf.Tensor1D>([cols], (out) => {
      const d = heapView(dPre);
      out.fill(0);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += d[r * cols + c];
    });
    // XNNPACK's fast path takes no transposed operand: transpose the (batch-sized) input first.
    return { dw: tf.matMul(tf.transpose(input), dPre), db };
  },

  inputGrad(dPre, weights, input, inputAct) {
    // (dPre·Wᵀ)ᵀ = W·dPreᵀ: transposing the batch-sized dPre instead of the weights keeps
    // XNNPACK's fast path and moves far fewer values; the transpose back is fused with the slope.
    const transposed = tf.matMul(weights, tf.transpose(dPre));
    const [rows, inputs] = input.shape;
    const slope = slopeOf(inputAct);
    return heapTensor(input.shape, (out) => {
      const t = heapView(transposed);
      const outputs = heapView(input);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < inputs; i++) out[r * inputs + i] = t[i * rows + r] * slope(outputs[r * inputs + i]);
      }
    });
  },

  applyGradients(optimizer, variables, grads) {
    const fused = fusedAdamStep(optimizer, variables, (step) => {
      const memory = heapMemory();
      const simdAdam = memory && simdAdamFor(memory);
      variables.forEach((variable, i) => {
        const { m, v } = step.moments(i);
        const [m1, v1, w1] = heapTensors([variable.shape, variable.shape, variable.shape], (outs) => adamUpdate(step, simdAdam, [grads[i], m, v, variable], outs));
        m.assign(m1);
        v.assign(v1);
        variable.assign(w1);
        tf.dispose([m1, v1, w1]);
      });
    });
    if (!fused) STOCK_KERNELS.applyGradients(optimizer, variables, grads);
  },
};

registerStepKernels('wasm', WASM_KERNELS);
