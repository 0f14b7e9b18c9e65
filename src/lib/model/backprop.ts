import * as tf from '@tensorflow/tfjs-core';
import type { LayerActivation } from './architecture';
import type { ReconTerm } from './recon-term';
import type { DenseLayer, DenseParams, LayerStack, Vae } from './vae';

/**
 * The operations one training step is made of, at the granularity a GPU can
 * fuse: stock tfjs ops implement them everywhere (stock-kernels.ts), and on
 * WebGL each is one program (webgl/kernels.ts). "pre" is a layer's value
 * before its activation; every gradient is of the batch-mean loss
 * recon + β·KL.
 */
export interface StepKernels {
  /** Rows order[start … start + count) of the training data: the batch. */
  batchRows(data: tf.Tensor2D, order: tf.Tensor1D, start: number, count: number): tf.Tensor2D;
  /** act(x·W + b). */
  dense(x: tf.Tensor2D, layer: DenseLayer): tf.Tensor2D;
  /** z = μ + σ·ε from the encoder's output [μ | raw log σ²], with σ = exp(½·clamp(raw)). */
  sampleLatent(encoded: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D;
  /** Per example: [reconstruction term, KL] in nats (rows × 2). */
  rowTerms(term: ReconTerm, x: tf.Tensor2D, logits: tf.Tensor2D, encoded: tf.Tensor2D): tf.Tensor2D;
  /** [mean reconstruction term, mean KL, β]: what the chart shows for the step, in nats. */
  lossStats(term: ReconTerm, x: tf.Tensor2D, logits: tf.Tensor2D, encoded: tf.Tensor2D, beta: number): tf.Tensor1D;
  /** ∂loss/∂logits of the batch-mean reconstruction term. */
  reconGrad(term: ReconTerm, x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor2D;
  /** ∂loss/∂[μ | raw log σ²]: the sample's share (from ∂loss/∂z) plus β times the KL's. */
  latentGrad(dz: tf.Tensor2D, encoded: tf.Tensor2D, eps: tf.Tensor2D, beta: number): tf.Tensor2D;
  /** ∂loss/∂W = inputᵀ·dPre and ∂loss/∂b = Σ_rows dPre. */
  weightGrads(input: tf.Tensor2D, dPre: tf.Tensor2D): { dw: tf.Tensor2D; db: tf.Tensor1D };
  /**
   * ∂loss/∂(the previous layer's pre-activation) = (dPre·Wᵀ) ⊙ act'(input),
   * where input = act(that pre-activation); 'linear' for the model's own inputs.
   */
  inputGrad(dPre: tf.Tensor2D, weights: tf.Tensor2D, input: tf.Tensor2D, inputAct: LayerActivation): tf.Tensor2D;
  /** One optimizer update of `variables` by `grads` (same order), keeping the optimizer's own state. */
  applyGradients(optimizer: tf.Optimizer, variables: tf.Variable[], grads: tf.Tensor[]): void;
}

export interface StepGradients {
  /** One per model variable, in `vae.variables` order. */
  grads: tf.Tensor[];
  /** [mean reconstruction term, mean KL, β] of this batch. */
  stats: tf.Tensor1D;
}

/** Runs `layers` forward from `input`, returning every layer's input and the last output. */
function forward(k: StepKernels, layers: DenseLayer[], input: tf.Tensor2D): { inputs: tf.Tensor2D[]; output: tf.Tensor2D } {
  const inputs: tf.Tensor2D[] = [];
  let h = input;
  for (const layer of layers) {
    inputs.push(h);
    h = k.dense(h, layer);
  }
  return { inputs, output: h };
}

/**
 * Walks ∂loss/∂(last pre-activation) back through `layers`, filling each
 * layer's [dW, db] into `out`, and returns ∂loss/∂input (null when the
 * input is data, whose gradient nobody needs: it skips the largest product).
 */
function backward(k: StepKernels, layers: DenseLayer[], inputs: tf.Tensor2D[], dLast: tf.Tensor2D, out: tf.Tensor[][], inputNeedsGrad: boolean): tf.Tensor2D | null {
  let dPre = dLast;
  for (let i = layers.length - 1; i >= 0; i--) {
    const { dw, db } = k.weightGrads(inputs[i], dPre);
    out[i] = [dw, db];
    if (i === 0 && !inputNeedsGrad) return null;
    dPre = k.inputGrad(dPre, layers[i].weights, inputs[i], i > 0 ? layers[i - 1].act : 'linear');
  }
  return dPre;
}

/**
 * One batch's loss statistics and the gradient of recon + β·KL with respect to
 * every variable, by explicit backpropagation through the VAE (no tape): the
 * step is a fixed sequence of kernels, and the gradient of the data is never
 * formed. Call inside tf.tidy.
 */
export function lossGradients(vae: Vae, k: StepKernels, x: tf.Tensor2D, eps: tf.Tensor2D, term: ReconTerm, beta: number): StepGradients {
  const enc = forward(k, vae.encoder, x);
  const z = k.sampleLatent(enc.output, eps);
  const dec = forward(k, vae.decoder, z);
  const stats = k.lossStats(term, x, dec.output, enc.output, beta);

  const decGrads: tf.Tensor[][] = [];
  const dz = backward(k, vae.decoder, dec.inputs, k.reconGrad(term, x, dec.output), decGrads, true)!;
  const encGrads: tf.Tensor[][] = [];
  backward(k, vae.encoder, enc.inputs, k.latentGrad(dz, enc.output, eps, beta), encGrads, false);
  return { grads: [...encGrads, ...decGrads].flat(), stats };
}

/** The encoder's output [μ | raw log σ²] for a batch. Call inside tf.tidy. */
export function encodeWith(vae: LayerStack, k: StepKernels, x: tf.Tensor2D): tf.Tensor2D {
  return forward(k, vae.encoder, x).output;
}

/**
 * Per example [reconstruction term, KL] (rows × 2, one z sample each from
 * `eps`) and the encoder's output, through the same kernels as training, so
 * evaluating compiles no programs of its own on a GPU. Call inside tf.tidy.
 */
export function exampleTerms(vae: LayerStack, k: StepKernels, x: tf.Tensor2D, eps: tf.Tensor2D, term: ReconTerm): { terms: tf.Tensor2D; encoded: tf.Tensor2D } {
  const encoded = encodeWith(vae, k, x);
  const logits = forward(k, vae.decoder, k.sampleLatent(encoded, eps)).output;
  return { terms: k.rowTerms(term, x, logits, encoded), encoded };
}

/** The decoder's outputs (logits, or the mean for points) for codes z. Call inside tf.tidy. */
export function decodeWith(vae: LayerStack, k: StepKernels, z: tf.Tensor2D): tf.Tensor2D {
  return forward(k, vae.decoder, z).output;
}
