/**
 * The one declarative table behind the playground's settings: URL parsing,
 * serializing, validation and the UI controls all read it, so a setting's
 * bounds and wording live in exactly one place.
 */
import type { PlaygroundConfig } from './types';
import { ACTIVATIONS, BACKENDS, DATASETS, DEFAULT_CONFIG, OPTIMIZERS, RECON_LOSSES } from './types';
import { PROBE_MAX } from '../latent/probe';

export type ConfigKey = keyof PlaygroundConfig;

type KeysWhere<T> = { [K in ConfigKey]: PlaygroundConfig[K] extends T ? K : never }[ConfigKey];
export type NumberKey = KeysWhere<number>;
export type EnumKey = KeysWhere<string>;
export type ListKey = KeysWhere<number[]>;

interface FieldText {
  label: string;
  help: string;
  unit?: string;
}

export interface NumberField extends FieldText {
  key: NumberKey;
  kind: 'int' | 'float';
  default: number;
  min: number;
  max: number;
  step?: number;
  /** A control for this field should move on a log scale. */
  log?: boolean;
}

export interface EnumField extends FieldText {
  key: EnumKey;
  kind: 'enum';
  default: string;
  options: readonly string[];
  /** How an option reads in its control, where not as in the link. */
  optionLabels?: Readonly<Record<string, string>>;
}

/** A list of whole numbers, each within [min, max]. */
export interface IntListField extends FieldText {
  key: ListKey;
  kind: 'intList';
  default: readonly number[];
  min: number;
  max: number;
  minItems: number;
  maxItems: number;
  /** What one entry is called in messages, e.g. "layer". */
  item: string;
}

export type FieldSpec = NumberField | EnumField | IntListField;

/** Largest latent size; the pad's dimensions are 0-based indices into it. */
export const MAX_LATENT = 32;

/** Every setting, in the order its control appears. */
export const SCHEMA: readonly FieldSpec[] = Object.freeze([
  {
    key: 'data', kind: 'enum', default: DEFAULT_CONFIG.data, options: DATASETS,
    label: 'Dataset',
    optionLabels: { custom: 'your images', 'custom-points': 'your points' },
    help: 'MNIST handwritten digits, simple synthetic shapes, a 2-D point set (moons, 8 blobs on a ring, a two-arm spiral, a pinwheel), all but MNIST generated in the browser, or your own images or points (below).',
  },
  {
    key: 'hidden', kind: 'intList', default: DEFAULT_CONFIG.hidden,
    min: 1, max: 1024, minItems: 1, maxItems: 4, item: 'layer',
    label: 'Hidden layers',
    help: "Widths of the encoder's hidden layers, input side first; the decoder mirrors them.",
    unit: 'units',
  },
  {
    key: 'latent', kind: 'int', default: DEFAULT_CONFIG.latent, min: 1, max: MAX_LATENT, step: 1,
    label: 'Latent dimensions',
    help: 'Size of the code z. Two dimensions show the whole latent space at once; more reconstruct better.',
  },
  {
    key: 'act', kind: 'enum', default: DEFAULT_CONFIG.act, options: ACTIVATIONS,
    label: 'Activation',
    help: 'Nonlinearity used in every hidden layer.',
  },
  {
    key: 'recon', kind: 'enum', default: DEFAULT_CONFIG.recon, options: RECON_LOSSES,
    label: 'Reconstruction loss',
    help: 'bce treats each pixel as a Bernoulli probability; mse as a Gaussian with fixed variance.',
  },
  {
    key: 'beta', kind: 'float', default: DEFAULT_CONFIG.beta, min: 0, max: 50, step: 0.1,
    label: 'β (KL weight)',
    help: 'Weight of the KL term. 1 is the standard VAE; more gives a smoother latent space but blurrier images; 0 is a plain autoencoder.',
  },
  {
    key: 'warmup', kind: 'int', default: DEFAULT_CONFIG.warmup, min: 0, max: 100_000, step: 100,
    label: 'KL warm-up',
    help: 'β ramps up linearly from 0 over this many steps; 0 turns warm-up off.',
    unit: 'steps',
  },
  {
    key: 'opt', kind: 'enum', default: DEFAULT_CONFIG.opt, options: OPTIMIZERS,
    label: 'Optimizer',
    help: 'How gradients turn into weight updates.',
  },
  {
    key: 'lr', kind: 'float', default: DEFAULT_CONFIG.lr, min: 1e-5, max: 1, log: true,
    label: 'Learning rate',
    help: 'Step size of each update. Too small crawls; too large makes the loss jump or blow up.',
  },
  {
    key: 'batch', kind: 'int', default: DEFAULT_CONFIG.batch, min: 1, max: 512, step: 1,
    label: 'Batch size',
    help: 'Images averaged per training step.',
    unit: 'images',
  },
  {
    key: 'seed', kind: 'int', default: DEFAULT_CONFIG.seed, min: 0, max: 2 ** 31 - 1, step: 1,
    label: 'Random seed',
    help: 'Fixes the initial weights and the data order, so a link reproduces a run.',
  },
  {
    key: 'backend', kind: 'enum', default: DEFAULT_CONFIG.backend, options: BACKENDS,
    label: 'Backend',
    help: 'Where the math runs; auto picks the fastest one this browser supports.',
  },
  {
    key: 'padx', kind: 'int', default: DEFAULT_CONFIG.padx, min: 0, max: MAX_LATENT - 1, step: 1,
    label: 'Pad x dimension',
    help: 'Which latent dimension (0-based) the latent pad moves horizontally.',
  },
  {
    key: 'pady', kind: 'int', default: DEFAULT_CONFIG.pady, min: 0, max: MAX_LATENT - 1, step: 1,
    label: 'Pad y dimension',
    help: 'Which latent dimension (0-based) the latent pad moves vertically.',
  },
  {
    key: 'probe', kind: 'int', default: DEFAULT_CONFIG.probe, min: -1, max: PROBE_MAX, step: 1,
    label: 'Probed test image',
    help: 'The test image whose posterior is shown: 200 × digit + its place among that digit’s 200 test images; −1 for none.',
  },
  {
    key: 'embed', kind: 'int', default: DEFAULT_CONFIG.embed, min: 0, max: 1, step: 1,
    label: 'Compact embed view',
    help: '1 shows a compact page for embedding in another site: the loss chart, the latent pad, Play and the preset’s note.',
  },
] satisfies FieldSpec[]);

// A Map, not an object, so untrusted keys like "__proto__" can never hit a prototype.
const FIELDS_BY_KEY: ReadonlyMap<string, FieldSpec> = new Map(SCHEMA.map((field) => [field.key, field]));

/** The schema entry for a key, or undefined for anything that is not a setting. */
export function fieldFor(key: NumberKey): NumberField;
export function fieldFor(key: EnumKey): EnumField;
export function fieldFor(key: ListKey): IntListField;
export function fieldFor(key: string): FieldSpec | undefined;
export function fieldFor(key: string): FieldSpec | undefined {
  return FIELDS_BY_KEY.get(key);
}
