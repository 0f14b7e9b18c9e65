import * as tf from '@tensorflow/tfjs-core';
import type { ReconTerm } from './recon-term';
import { dense } from './dense';
import { LOG_VAR_RANGE, layerPlan, type LayerActivation, type LayerSnapshot, type VaeArchitecture } from './architecture';
import { klDiagonalGaussian, reconstructionLoss } from './losses';
import { INIT, LOG_VAR_CLAMP } from './training-choices';

// The training side names these types through the model; they are defined once, tfjs-free, in architecture.ts.
export type { LayerActivation, LayerSnapshot, VaeArchitecture };

/** One dense layer's parameters as the forward pass reads them. */
export interface DenseLayer {
  weights: tf.Tensor2D;
  bias: tf.Tensor1D;
  act: LayerActivation;
}

/** A model's layers, trainable (Vae) or a frozen copy of them. */
export interface LayerStack {
  readonly arch: VaeArchitecture;
  readonly encoder: DenseLayer[];
  readonly decoder: DenseLayer[];
}

export interface DenseParams extends DenseLayer {
  weights: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1>;
}

export interface LossTerms {
  /** Mean reconstruction term per image (nats). */
  recon: tf.Scalar;
  /** Mean KL term per image (nats). */
  kl: tf.Scalar;
}

/**
 * One dense layer's initial parameters (see INIT): Glorot-uniform weights and
 * zero biases, or PyTorch's nn.Linear default, U(±1/√inputs) for both.
 */
function initLayer(inputs: number, outputs: number, act: LayerActivation, seed: number): DenseParams {
  const torch = INIT === 'torch';
  const limit = torch ? 1 / Math.sqrt(inputs) : Math.sqrt(6 / (inputs + outputs));
  // Inside tidy so the initial-value tensors are freed; variables survive tidy.
  const [weights, bias] = tf.tidy(() => [
    tf.variable(tf.randomUniform([inputs, outputs], -limit, limit, 'float32', seed)) as tf.Variable<tf.Rank.R2>,
    tf.variable(torch ? tf.randomUniform([outputs], -limit, limit, 'float32', seed + 1_000_003) : tf.zeros([outputs])) as tf.Variable<tf.Rank.R1>,
  ]);
  return { weights: weights as tf.Variable<tf.Rank.R2>, bias: bias as tf.Variable<tf.Rank.R1>, act };
}

/** log σ² kept inside LOG_VAR_RANGE (see LOG_VAR_CLAMP): a hard clip, or 10·tanh(x/10), which keeps a gradient. */
export function clampLogVar(raw: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    if (LOG_VAR_CLAMP === 'hard') return tf.clipByValue(raw, LOG_VAR_RANGE[0], LOG_VAR_RANGE[1]);
    const [lo, hi] = LOG_VAR_RANGE;
    const mid = (hi + lo) / 2;
    const half = (hi - lo) / 2;
    return tf.add(tf.mul(tf.tanh(tf.div(tf.sub(raw, mid), half)), half), mid) as tf.Tensor2D;
  });
}

/** d clamp(raw) / d raw: what the gradient of log σ² passes back to the encoder's raw output. */
export function clampLogVarSlope(raw: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [lo, hi] = LOG_VAR_RANGE;
    if (LOG_VAR_CLAMP === 'hard') return tf.cast(tf.logicalAnd(tf.greaterEqual(raw, lo), tf.lessEqual(raw, hi)), 'float32') as tf.Tensor2D;
    const t = tf.tanh(tf.div(tf.sub(raw, (hi + lo) / 2), (hi - lo) / 2));
    return tf.sub(1, tf.square(t)) as tf.Tensor2D;
  });
}

export class Vae {
  readonly arch: VaeArchitecture;
  readonly encoder: DenseParams[];
  readonly decoder: DenseParams[];

  constructor(arch: VaeArchitecture, seed: number) {
    this.arch = { ...arch, hidden: [...arch.hidden] };
    const plan = layerPlan(arch);
    // Distinct seeds per layer so layers of equal shape do not start identical.
    this.encoder = plan.encoder.map(([i, o, a], k) => initLayer(i, o, a, seed * 101 + k));
    this.decoder = plan.decoder.map(([i, o, a], k) => initLayer(i, o, a, seed * 101 + 50 + k));
  }

  get variables(): tf.Variable[] {
    return [...this.encoder, ...this.decoder].flatMap((l) => [l.weights, l.bias]);
  }

  encode(x: tf.Tensor2D): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
    return tf.tidy(() => {
      let h = x;
      for (const layer of this.encoder) h = dense(h, layer.weights, layer.bias, layer.act);
      const [mu, rawLogVar] = tf.split(h, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      return { mu, logVar: clampLogVar(rawLogVar) };
    });
  }

  decodeLogits(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = z;
      for (const layer of this.decoder) h = dense(h, layer.weights, layer.bias, layer.act);
      return h;
    });
  }

  /** Decoded pixel intensities in [0, 1], for images (points use decoderMean in losses.ts). */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sigmoid(this.decodeLogits(z)));
  }

  /** z = μ + σ·ε: the reparameterization keeps the sample differentiable in μ and σ. */
  static reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)));
  }

  /** Per-image loss terms for a batch; `eps` is standard normal noise of shape [batch, latent]. */
  lossTerms(x: tf.Tensor2D, eps: tf.Tensor2D, recon: ReconTerm): LossTerms {
    return tf.tidy(() => {
      const { mu, logVar } = this.encode(x);
      const z = Vae.reparameterize(mu, logVar, eps);
      const logits = this.decodeLogits(z);
      return {
        recon: tf.mean(reconstructionLoss(recon, x, logits)) as tf.Scalar,
        kl: tf.mean(klDiagonalGaussian(mu, logVar)) as tf.Scalar,
      };
    });
  }

  /**
   * The layers as they are now, unaffected by later steps (an update gives a
   * variable new storage; the copy keeps the old), at no cost on the device.
   * Dispose it when done.
   */
  frozenCopy(): LayerStack & { dispose(): void } {
    const copy = (layers: DenseParams[]) => layers.map((l) => ({ weights: tf.clone(l.weights), bias: tf.clone(l.bias), act: l.act }));
    const encoder = copy(this.encoder);
    const decoder = copy(this.decoder);
    return { arch: this.arch, encoder, decoder, dispose: () => tf.dispose([...encoder, ...decoder].flatMap((l) => [l.weights, l.bias])) };
  }

  /** Copies of the parameters; the caller must make sure no step runs while they are read. */
  async snapshot(part: 'encoder' | 'decoder' | 'all' = 'all'): Promise<LayerSnapshot[]> {
    const layers = part === 'encoder' ? this.encoder : part === 'decoder' ? this.decoder : [...this.encoder, ...this.decoder];
    return Promise.all(
      layers.map(async (l) => ({
        inputs: l.weights.shape[0],
        outputs: l.weights.shape[1],
        act: l.act,
        // Copies: a backend may hand out its own storage (the cpu backend does).
        weights: Float32Array.from(await l.weights.data()),
        bias: Float32Array.from(await l.bias.data()),
      })),
    );
  }

  /** Throws, naming the first mismatch, unless the snapshot fits this architecture exactly. */
  checkSnapshot(layers: LayerSnapshot[]): void {
    const own = [...this.encoder, ...this.decoder];
    if (layers.length !== own.length) throw new Error(`snapshot has ${layers.length} layers, model has ${own.length}`);
    own.forEach((l, i) => {
      const s = layers[i];
      if (s.inputs !== l.weights.shape[0] || s.outputs !== l.weights.shape[1]) {
        throw new Error(`layer ${i}: snapshot is ${s.inputs}×${s.outputs}, model is ${l.weights.shape.join('×')}`);
      }
      if (s.weights.length !== s.inputs * s.outputs || s.bias.length !== s.outputs) {
        throw new Error(`layer ${i}: snapshot arrays hold ${s.weights.length} weights and ${s.bias.length} biases, expected ${s.inputs * s.outputs} and ${s.outputs}`);
      }
      if (s.act !== l.act) throw new Error(`layer ${i}: snapshot uses activation ${s.act}, model uses ${l.act}`);
    });
  }

  /** Overwrites every parameter from a snapshot of the same architecture. */
  restore(layers: LayerSnapshot[]): void {
    // Check everything before writing anything, so a bad snapshot never leaves a half-loaded model.
    this.checkSnapshot(layers);
    const own = [...this.encoder, ...this.decoder];
    own.forEach((l, i) => {
      const s = layers[i];
      tf.tidy(() => {
        l.weights.assign(tf.tensor2d(s.weights, [s.inputs, s.outputs]));
        l.bias.assign(tf.tensor1d(s.bias));
      });
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
