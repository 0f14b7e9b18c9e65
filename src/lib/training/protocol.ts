import type { PlaygroundConfig } from '../config/types';
import type { LayerSnapshot } from '../model/vae';
import type { Checkpoint } from './checkpoint';
import type { TrainingData } from './dataset';
import type { IwaeEstimate } from './iwae';
import type { GridWindow, PosteriorGrid } from './posterior';
import type { LiveSettings } from './trainer';
import type { SweepPoint, SweepProgress, SweepSummary } from './sweep';

/**
 * The page ⇄ worker protocol.
 *
 * Ordering: the worker handles every message in the order it was sent, one at
 * a time, and training steps run only between messages. So a pause always
 * wins over a play sent before it, a live setting is in force from the next
 * step on, and a snapshot is read at one step with no step running meanwhile.
 * `step` and `play` only allow training: the steps run once no message is
 * waiting, so a snapshot sent right after a step message is read before it.
 *
 * Requests (snapshot, restore, encode-test, encode-pixels, probe, evaluate, sweep) carry a request id; each gets
 * exactly one reply with that id: its answer or a `request-failed`. Replies
 * are matched by id alone, so they settle whatever the generation.
 */

/** One training step's numbers, per image in nats. */
export interface StepMetrics {
  step: number;
  recon: number;
  kl: number;
  /** β in force for this step (differs from the setting during KL warm-up). */
  beta: number;
  /** recon + β·KL: the loss being minimised. */
  total: number;
}

export interface EvalMetrics {
  epoch: number;
  step: number;
  recon: number;
  kl: number;
  /** −ELBO per image: recon + KL (β = 1, whatever β training uses). */
  negElbo: number;
}

/** Main thread → worker. `generation` increases with each (re)initialisation. */
export type ToWorker =
  | { type: 'init'; generation: number; config: PlaygroundConfig; dataUrl: string }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; count: number }
  /** The complete live settings now in force (not a patch, so nothing can drift). */
  | { type: 'live'; settings: LiveSettings }
  /** Continue from a checkpoint: its weights, optimizer state (or a fresh optimizer) and step. */
  | { type: 'restore'; requestId: number; checkpoint: Checkpoint }
  | { type: 'snapshot'; requestId: number; withOptimizer: boolean }
  | { type: 'encode-test'; requestId: number; index: number }
  /** Any 28×28 grey image (784 values in [0, 1]), such as a drawing: encoded like a test image. */
  | { type: 'encode-pixels'; requestId: number; pixels: Float32Array }

  /** One test image probed: q(z|x) and, for a 2-D latent, the true posterior on a grid (`hint`: where to look first). */
  | { type: 'probe'; requestId: number; index: number; hint: GridWindow | null }
  /** The same probe for any 28×28 grey image (a drawing); answered with `probed`, image index −1. */
  | { type: 'probe-pixels'; requestId: number; pixels: Float32Array; hint: GridWindow | null }
  /**
   * Pauses training, then measures the current weights on the whole test set: the usual test
   * numbers (an `eval` message, reason `manual`) and the importance-weighted −log p̂(x) with `k`
   * samples per image. `evaluate-progress` messages carry its request id until the one reply.
   */
  | { type: 'evaluate'; requestId: number; k: number }
  /** Stops an evaluation under way (it fails with “cancelled”); nothing happens if none is. */
  | { type: 'cancel-evaluate' }
  /**
   * Pauses training, then trains one fresh model per β (this run's settings and seed) for `epochs`
   * epochs each, beside the current model, which stays as it was. `sweep-progress` and one
   * `sweep-point` per finished β carry its request id until the one reply, `swept`.
   */
  | { type: 'sweep'; requestId: number; betas: number[]; epochs: number }
  /** Stops a sweep under way after the step in progress; finished βs stay. Nothing happens if none is. */
  | { type: 'cancel-sweep' }
  /** Uploaded images or points, already split: the data set named `data.name` (`custom`, `custom-points`) from the next `init` on. */
  | { type: 'custom-data'; data: TrainingData };

export type WorkerRequest = Extract<ToWorker, { requestId: number }>;

/** A few test images and the model's reconstructions of them (z = μ). */
export interface ReconstructionExamples {
  labels: number[];
  originals: Float32Array;
  reconstructions: Float32Array;
}

/** One test image through the current encoder: q(z|x) and the reconstruction term for it. */
export interface EncodedImage {
  index: number;
  label: number;
  pixels: Float32Array;
  mu: number[];
  logVar: number[];
  /** Reconstruction term for this image with z = μ (nats). */
  recon: number;
  /** Decoded image at z = μ. */
  reconstruction: Float32Array;
}

/** An image through the current encoder: q(z|x), and the decoded image at z = μ with its reconstruction term. */
export interface ImageEncoding {
  mu: number[];
  logVar: number[];
  /** Reconstruction term for this image with z = μ (nats). */
  recon: number;
  /** Decoded image at z = μ. */
  reconstruction: Float32Array;
}

/** A probed test image: q(z|x), and the true posterior on a grid when the latent is 2-D. */
export interface ProbeResult {
  image: EncodedImage;
  grid: PosteriorGrid | null;
  /** How long the worker took (ms). */
  millis: number;
}

/** An "Evaluate now": the test numbers and the importance-weighted bound, both of the weights at `metrics.step`. */
export interface TestEvaluation {
  metrics: EvalMetrics;
  iwae: IwaeEstimate;
  /** How long the importance-weighted part took in the worker (ms). */
  millis: number;
}

/** Where a run stands after the worker moved it (rollback, restore, backend move). */
export interface RunPosition {
  step: number;
  epoch: number;
}

/** Worker → main thread; every message names the generation it belongs to. */
export type FromWorker = { generation: number } & (
  | { type: 'progress'; stage: 'backend' | 'download' | 'upload'; loaded: number; total: number }
  | {
      type: 'ready';
      backend: string;
      backendNotes: string[];
      /** Threads the wasm backend runs on; null on other backends. */
      wasmThreads: number | null;
      trainCount: number;
      testCount: number;
      stepsPerEpoch: number;
      classNames: readonly string[];
      testLabels: Uint8Array;
      /** Values per example: 784 for images, 2 for points (the model's input and output width). */
      features: number;
      /** For 2-D point sets, the test points (testCount × 2) for the data plot; null for images. */
      testPoints: Float32Array | null;
    }
  /** `programsPerStep`: GPU programs per training step, recent mean (perf/gpu-programs.ts); null off the GPU. */
  | { type: 'metrics'; steps: StepMetrics[]; epoch: number; samplesPerSecond: number; numTensors: number; programsPerStep: number | null }
  /** `restore`: the test numbers of weights just put in place, not a point of this run's own curve. */
  | {
      type: 'eval';
      metrics: EvalMetrics;
      means: Float32Array;
      latent: number;
      /** KL per latent dimension averaged over the test set (nats): active units vs collapsed ones. */
      klPerDim: Float32Array;
      examples: ReconstructionExamples;
      reason: 'start' | 'epoch' | 'restore' | 'manual';
    }
  /** While training: every test image's μ (testCount × latent) at `step`, at most once a second; `millis`: the worker's time for it. */
  | { type: 'codes'; means: Float32Array; step: number; millis: number }
  /** `checkpoint`: these weights were read as part of a checkpoint the run can go back to. */
  | { type: 'decoder'; step: number; layers: LayerSnapshot[]; checkpoint: boolean }
  | { type: 'running'; running: boolean }
  /** Training paused and went back to an earlier checkpoint; `position` is where it now stands. */
  | { type: 'rolled-back'; position: RunPosition; message: string }
  | { type: 'backend-changed'; backend: string; position: RunPosition; message: string }
  | { type: 'snapshot'; requestId: number; checkpoint: Checkpoint }
  | { type: 'restored'; requestId: number; position: RunPosition }
  | { type: 'encoded'; requestId: number; image: EncodedImage }
  | { type: 'encoded-pixels'; requestId: number; encoding: ImageEncoding }
  | { type: 'probed'; requestId: number; result: ProbeResult }
  /** Progress of an `evaluate` request; not its reply. */
  | { type: 'evaluate-progress'; requestId: number; done: number; total: number }
  | { type: 'evaluated'; requestId: number; evaluation: TestEvaluation }
  /** Progress of a `sweep` request; not its reply. */
  | { type: 'sweep-progress'; requestId: number; progress: SweepProgress }
  /** One β of a `sweep` request trained and measured; not its reply. */
  | { type: 'sweep-point'; requestId: number; point: SweepPoint }
  | { type: 'swept'; requestId: number; summary: SweepSummary }
  | { type: 'request-failed'; requestId: number; message: string }
  /** A failure outside any request (loading, a training step): the run stops. */
  | { type: 'error'; message: string }
);
