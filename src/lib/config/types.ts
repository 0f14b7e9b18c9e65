/** The playground's configuration: every field is also a URL key of the same name. */

export const ACTIVATIONS = ['relu', 'leakyrelu', 'elu', 'tanh', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const RECON_LOSSES = ['bce', 'mse'] as const;
export type ReconLoss = (typeof RECON_LOSSES)[number];

export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const BACKENDS = ['auto', 'webgl', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

/**
 * `mnist`: the real digits; `shapes`: seeded synthetic 28×28 shapes generated in the app;
 * `moons`, `rings`, `spiral`, `pinwheel`: seeded 2-D point sets (data/points2d.ts), modelled with a Gaussian decoder.
 * `custom`: images uploaded in this tab; `custom-points`: 2-D points uploaded as a CSV (neither can travel
 * in a link: see data/custom/link.ts).
 */
export const DATASETS = ['mnist', 'shapes', 'moons', 'rings', 'spiral', 'pinwheel', 'custom', 'custom-points'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface PlaygroundConfig {
  data: DatasetName;
  /** Encoder hidden widths, input side first; the decoder mirrors them. */
  hidden: number[];
  latent: number;
  act: Activation;
  recon: ReconLoss;
  beta: number;
  /** KL warm-up: β ramps linearly from 0 over this many steps (0 = off). */
  warmup: number;
  opt: OptimizerName;
  lr: number;
  batch: number;
  seed: number;
  backend: BackendChoice;
  /** Which latent dimensions the 2-D pad shows (x, y); 0-based. */
  padx: number;
  pady: number;
  /** The test image shown in the posterior panel (index 0–1999), or −1 for none. A view: it never rebuilds the model. */
  probe: number;
  /** 1: the compact page for an iframe (chart, pad, Play, the preset's note). A view: it never rebuilds the model. */
  embed: number;
}

export const DEFAULT_CONFIG: Readonly<PlaygroundConfig> = Object.freeze({
  data: 'mnist',
  hidden: [512, 256],
  latent: 2,
  act: 'relu',
  recon: 'bce',
  beta: 1,
  warmup: 0,
  opt: 'adam',
  lr: 0.001,
  batch: 128,
  seed: 42,
  backend: 'auto',
  padx: 0,
  pady: 1,
  probe: -1,
  embed: 0,
}) as Readonly<PlaygroundConfig>;

/** Keys whose change needs a fresh model; the rest apply to the running model. */
export const RESET_KEYS: ReadonlySet<keyof PlaygroundConfig> = new Set([
  'data', 'hidden', 'latent', 'act', 'seed', 'backend', 'batch', 'opt',
]);
