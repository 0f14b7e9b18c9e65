import type { PlaygroundConfig } from '../config/types';
import type { LayerSnapshot } from '../model/vae';
import type { LiveSettings } from './trainer';

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
  | { type: 'live'; settings: Partial<LiveSettings> }
  | { type: 'restore'; layers: LayerSnapshot[] }
  | { type: 'snapshot'; requestId: number }
  | { type: 'encode-test'; requestId: number; index: number };

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

/** Worker → main thread; every message names the generation it belongs to. */
export type FromWorker = { generation: number } & (
  | { type: 'progress'; stage: 'backend' | 'download' | 'upload'; loaded: number; total: number }
  | {
      type: 'ready';
      backend: string;
      backendNotes: string[];
      trainCount: number;
      testCount: number;
      stepsPerEpoch: number;
      classNames: readonly string[];
      testLabels: Uint8Array;
    }
  | { type: 'metrics'; steps: StepMetrics[]; epoch: number; samplesPerSecond: number; numTensors: number }
  | { type: 'eval'; metrics: EvalMetrics; means: Float32Array; latent: number; examples: ReconstructionExamples }
  | { type: 'decoder'; step: number; layers: LayerSnapshot[] }
  | { type: 'running'; running: boolean }
  | { type: 'diverged'; step: number; message: string }
  | { type: 'backend-changed'; backend: string; message: string }
  | { type: 'snapshot'; requestId: number; layers: LayerSnapshot[]; step: number }
  | { type: 'encoded'; requestId: number; image: EncodedImage }
  | { type: 'error'; message: string }
);
