import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerName, ReconLoss } from '../config/types';
import { mixSeed, seededPermutation } from '../data/rng';
import { decoderMean, reconstructionLoss } from '../model/losses';
import { reconTermFor, type ReconTerm } from '../model/recon-term';
import { Vae, type LayerStack, type VaeArchitecture } from '../model/vae';
import { decodeWith, encodeWith, exampleTerms, lossGradients } from '../model/backprop';
import { clampLogVarValue, klOfDimension } from '../model/architecture';
import { stepKernels } from '../model/kernel-registry';
import type { TrainingData } from './dataset';
import type { ImageEncoding } from './protocol';
import { pixelsProblem } from './image-pixels';
import { makeOptimizer, optimizerFromState, optimizerStateProblem, readOptimizerState, type Checkpoint } from './checkpoint';

/** Settings that can change while the model keeps its weights. */
export interface LiveSettings {
  recon: ReconLoss;
  beta: number;
  /** KL warm-up length in steps; β ramps linearly from 0 (0 = off). */
  warmup: number;
  lr: number;
}

export interface TrainerSettings extends LiveSettings {
  arch: VaeArchitecture;
  opt: OptimizerName;
  batch: number;
  seed: number;
}

export interface EvalResult {
  recon: number;
  kl: number;
  /** μ of every test image, testCount × latent, for the latent scatter. */
  means: Float32Array;
  /** KL per latent dimension, averaged over the test set (nats): which units are active. */
  klPerDim: Float32Array;
}

/** Test images go through the model in chunks of this many, so eval shapes never change. */
export const EVAL_CHUNK = 500;

/**
 * Adam and RMSProp read `learningRate` on every update, so setting it applies
 * live; SGD keeps a cached scalar that only its own setLearningRate refreshes.
 */
function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof target.setLearningRate === 'function') target.setLearningRate(lr);
  else target.learningRate = lr;
}

export function betaAt(step: number, beta: number, warmup: number): number {
  return warmup > 0 ? beta * Math.min(1, step / warmup) : beta;
}

/**
 * Owns the model, optimizer and device-resident data; one call to `step`
 * trains one batch. Knows nothing about workers or the UI.
 */
export class Trainer {
  readonly vae: Vae;
  readonly stepsPerEpoch: number;
  private optimizer: tf.Optimizer;
  private live: LiveSettings;
  private readonly settings: TrainerSettings;
  private readonly trainX: tf.Tensor2D;
  private readonly testX: tf.Tensor2D;
  private readonly data: TrainingData;
  private order: tf.Tensor1D;
  private cursor = 0;
  private stepCount = 0;
  private epochCount = 0;

  constructor(data: TrainingData, settings: TrainerSettings) {
    if (settings.batch > data.trainCount) throw new Error(`batch ${settings.batch} exceeds the ${data.trainCount} training images`);
    this.data = data;
    this.settings = settings;
    this.live = { recon: settings.recon, beta: settings.beta, warmup: settings.warmup, lr: settings.lr };
    this.vae = new Vae(settings.arch, settings.seed);
    this.optimizer = makeOptimizer(settings.opt, settings.lr);
    // The whole data set is uploaded once; batches are gathered on the device.
    this.trainX = tf.tensor2d(data.trainImages, [data.trainCount, data.features]);
    this.testX = tf.tensor2d(data.testImages, [data.testCount, data.features]);
    // The incomplete last batch is dropped so every step has the same shapes.
    this.stepsPerEpoch = Math.floor(data.trainCount / settings.batch);
    this.order = this.shuffledOrder();
  }

  get step(): number {
    return this.stepCount;
  }

  get epoch(): number {
    return this.epochCount;
  }

  get batch(): number {
    return this.settings.batch;
  }

  get liveSettings(): LiveSettings {
    return { ...this.live };
  }

  /** The reconstruction term in force: the `recon` setting for images, the Gaussian for points. */
  get reconTerm(): ReconTerm {
    return reconTermFor(this.live.recon, this.data.features);
  }

  get currentBeta(): number {
    return betaAt(this.stepCount, this.live.beta, this.live.warmup);
  }

  private shuffledOrder(): tf.Tensor1D {
    return tf.tensor1d(seededPermutation(this.data.trainCount, mixSeed(this.settings.seed, this.epochCount)), 'int32');
  }

  /**
   * Puts the run at `step`: epoch, data cursor (the seeded shuffle of that
   * epoch) and KL warm-up all follow from it, so a run resumed here draws the
   * same batches it would have drawn had it never stopped.
   */
  private moveTo(step: number): void {
    this.stepCount = step;
    this.epochCount = Math.floor(step / this.stepsPerEpoch);
    this.cursor = step % this.stepsPerEpoch;
    this.order.dispose();
    this.order = this.shuffledOrder();
  }

  /** Weights, optimizer state and the step they belong to, read at one moment (no step may run meanwhile). */
  async checkpoint(): Promise<Checkpoint> {
    const step = this.stepCount;
    const [layers, optimizer] = await Promise.all([this.vae.snapshot('all'), readOptimizerState(this.optimizer, this.settings.opt)]);
    return { step, layers, optimizer };
  }

  /**
   * Continues from a checkpoint: weights, optimizer state (a fresh optimizer
   * when it has none) and step. All-or-nothing: everything is checked before
   * anything changes.
   */
  async restore(checkpoint: Checkpoint): Promise<void> {
    const { step, layers, optimizer } = checkpoint;
    if (!Number.isInteger(step) || step < 0) throw new Error(`step ${step} is not a whole number ≥ 0`);
    const shapes = this.vae.variables.map((v) => v.shape);
    if (optimizer) {
      const problem = optimizerStateProblem(optimizer, this.settings.opt, shapes.map((s) => s.reduce((a, b) => a * b, 1)));
      if (problem) throw new Error(`the optimizer state does not fit this model: ${problem}`);
    }
    this.vae.checkSnapshot(layers);
    const next = optimizer ? await optimizerFromState(optimizer, this.live.lr, shapes) : makeOptimizer(this.settings.opt, this.live.lr);
    this.vae.restore(layers);
    this.optimizer.dispose();
    this.optimizer = next;
    this.moveTo(step);
  }

  setLive(next: Partial<LiveSettings>): void {
    this.live = { ...this.live, ...next };
    if (next.lr !== undefined) setLearningRate(this.optimizer, next.lr);
  }

  /**
   * Trains one batch. Returns [reconstruction, KL, β used] as a tensor the
   * caller reads (asynchronously, so the device pipeline never stalls) and disposes.
   */
  trainStep(): tf.Tensor1D {
    const beta = this.currentBeta;
    const { batch, seed, arch } = this.settings;
    const kernels = stepKernels();
    const stats = tf.tidy(() => {
      const x = kernels.batchRows(this.trainX, this.order, this.cursor * batch, batch);
      const eps = tf.randomNormal([batch, arch.latent], 0, 1, 'float32', mixSeed(seed + 7, this.stepCount)) as tf.Tensor2D;
      const { grads, stats } = lossGradients(this.vae, kernels, x, eps, this.reconTerm, beta);
      kernels.applyGradients(this.optimizer, this.vae.variables, grads);
      return stats;
    });
    this.stepCount++;
    this.cursor++;
    if (this.cursor >= this.stepsPerEpoch) {
      this.cursor = 0;
      this.epochCount++;
      this.order.dispose();
      this.order = this.shuffledOrder();
    }
    return stats;
  }

  /**
   * Test-set terms (per image, one z sample each, fixed noise), every test
   * image's μ and the KL per dimension: of the model, or of a frozen copy of it.
   */
  async evaluate(model: LayerStack = this.vae): Promise<EvalResult> {
    const { latent } = this.settings.arch;
    const count = this.data.testCount;
    const chunk = Math.min(EVAL_CHUNK, count);
    const means = new Float32Array(count * latent);
    const klSums = new Float64Array(latent);
    let recon = 0;
    let kl = 0;
    for (let c = 0; c * chunk < count; c++) {
      // A last partial chunk overlaps the previous one, so its shape stays fixed.
      const start = Math.min(c * chunk, count - chunk);
      const skip = c * chunk - start;
      const { terms, encoded } = tf.tidy(() => {
        const x = tf.slice(this.testX, [start, 0], [chunk, this.data.features]) as tf.Tensor2D;
        const eps = tf.randomNormal([chunk, latent], 0, 1, 'float32', mixSeed(this.settings.seed + 13, c)) as tf.Tensor2D;
        return exampleTerms(model, stepKernels(), x, eps, this.reconTerm);
      });
      const [t, e] = await Promise.all([terms.data(), encoded.data()]);
      tf.dispose([terms, encoded]);
      for (let i = skip; i < chunk; i++) {
        recon += t[2 * i];
        kl += t[2 * i + 1];
        for (let d = 0; d < latent; d++) {
          const mu = e[i * 2 * latent + d];
          means[(start + i) * latent + d] = mu;
          klSums[d] += klOfDimension(mu, clampLogVarValue(e[i * 2 * latent + latent + d]));
        }
      }
    }
    return { recon: recon / count, kl: kl / count, means, klPerDim: Float32Array.from(klSums, (v) => v / count) };
  }

  /**
   * Every test image's μ (testCount × latent) through the current encoder
   * alone: the live scatter on the pad. Same fixed-size chunks as `evaluate`.
   */
  async testMeans(): Promise<Float32Array> {
    const { latent } = this.settings.arch;
    const count = this.data.testCount;
    const chunk = Math.min(EVAL_CHUNK, count);
    const means = new Float32Array(count * latent);
    for (let c = 0; c * chunk < count; c++) {
      const start = Math.min(c * chunk, count - chunk);
      const skip = c * chunk - start;
      const encoded = tf.tidy(() => encodeWith(this.vae, stepKernels(), tf.slice(this.testX, [start, 0], [chunk, this.data.features]) as tf.Tensor2D));
      const e = await encoded.data();
      encoded.dispose();
      for (let i = skip; i < chunk; i++) for (let d = 0; d < latent; d++) means[(start + i) * latent + d] = e[i * 2 * latent + d];
    }
    return means;
  }

  /** One test image per class (the first of each), the examples the reconstruction strip shows. */
  exampleIndices(): Int32Array {
    const seen = new Set<number>();
    const picks: number[] = [];
    this.data.testLabels.forEach((label, index) => {
      if (!seen.has(label)) {
        seen.add(label);
        picks.push(index);
      }
    });
    return Int32Array.from(picks.slice(0, 10));
  }

  /** Originals and their reconstructions at z = μ, row-major images of 784 pixels. */
  async reconstructExamples(indices: Int32Array, model: LayerStack = this.vae): Promise<{ originals: Float32Array; reconstructions: Float32Array }> {
    const decoded = tf.tidy(() => {
      const kernels = stepKernels();
      const x = tf.gather(this.testX, tf.tensor1d(indices, 'int32')) as tf.Tensor2D;
      const mu = tf.slice(encodeWith(model, kernels, x), [0, 0], [indices.length, model.arch.latent]) as tf.Tensor2D;
      return decoderMean(this.reconTerm, decodeWith(model, kernels, mu));
    });
    const reconstructions = (await decoded.data()) as Float32Array;
    decoded.dispose();
    const originals = new Float32Array(indices.length * this.data.features);
    indices.forEach((index, row) => originals.set(this.data.testImages.subarray(index * this.data.features, (index + 1) * this.data.features), row * this.data.features));
    return { originals, reconstructions };
  }

  /** Encodes one test image (a fixed-shape batch of 1): μ, log σ², its reconstruction at z = μ and that term. */
  async encodeTestImage(index: number): Promise<{ pixels: Float32Array; label: number } & ImageEncoding> {
    if (!Number.isInteger(index) || index < 0 || index >= this.data.testCount) throw new Error(`test image ${index} does not exist (0–${this.data.testCount - 1})`);
    const encoding = await this.#encodeOne(() => tf.slice(this.testX, [index, 0], [1, this.data.features]) as tf.Tensor2D);
    return {
      pixels: this.data.testImages.slice(index * this.data.features, (index + 1) * this.data.features),
      label: this.data.testLabels[index],
      ...encoding,
    };
  }

  /** Encodes any 28×28 grey image (values in [0, 1]), such as a drawing, the same way as a test image. */
  async encodePixels(pixels: Float32Array): Promise<ImageEncoding> {
    const problem = pixelsProblem(pixels);
    if (problem) throw new Error(problem);
    return this.#encodeOne(() => tf.tensor2d(pixels, [1, this.data.features]));
  }

  /** The one encode path: q(z|x) for a batch of one, the reconstruction at z = μ and its loss term. */
  async #encodeOne(input: () => tf.Tensor2D): Promise<ImageEncoding> {
    const { mu, logVar, recon, decoded } = tf.tidy(() => {
      const x = input();
      const enc = this.vae.encode(x);
      const logits = this.vae.decodeLogits(enc.mu);
      return { mu: enc.mu, logVar: enc.logVar, recon: reconstructionLoss(this.reconTerm, x, logits), decoded: decoderMean(this.reconTerm, logits) };
    });
    const [m, v, r, d] = await Promise.all([mu.data(), logVar.data(), recon.data(), decoded.data()]);
    tf.dispose([mu, logVar, recon, decoded]);
    return { mu: Array.from(m), logVar: Array.from(v), recon: r[0], reconstruction: d as Float32Array };
  }

  /** Runs `use` with one test image as a [1, 784] tensor (disposed afterwards) and the reconstruction term in force. */
  async withTestImage<T>(index: number, use: (x: tf.Tensor2D, recon: ReconTerm) => Promise<T>): Promise<T> {
    if (!Number.isInteger(index) || index < 0 || index >= this.data.testCount) throw new Error(`test image ${index} does not exist (0–${this.data.testCount - 1})`);
    return this.#withInput(() => tf.slice(this.testX, [index, 0], [1, this.data.features]) as tf.Tensor2D, use);
  }

  /** Runs `use` with every test image as one [testCount, 784] tensor (owned by the trainer: do not dispose) and the reconstruction term in force. */
  withTestSet<T>(use: (x: tf.Tensor2D, recon: ReconTerm) => Promise<T>): Promise<T> {
    return use(this.testX, this.reconTerm);
  }

  /** Like withTestImage, for any 28×28 grey image (a drawing), checked as encodePixels checks it. */
  async withPixels<T>(pixels: Float32Array, use: (x: tf.Tensor2D, recon: ReconTerm) => Promise<T>): Promise<T> {
    const problem = pixelsProblem(pixels);
    if (problem) throw new Error(problem);
    return this.#withInput(() => tf.tensor2d(pixels, [1, this.data.features]), use);
  }

  async #withInput<T>(input: () => tf.Tensor2D, use: (x: tf.Tensor2D, recon: ReconTerm) => Promise<T>): Promise<T> {
    const x = input();
    try {
      return await use(x, this.reconTerm);
    } finally {
      x.dispose();
    }
  }

  dispose(): void {
    this.vae.dispose();
    this.optimizer.dispose();
    this.trainX.dispose();
    this.testX.dispose();
    this.order.dispose();
  }
}
