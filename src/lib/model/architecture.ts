/**
 * The VAE's shape as plain data: layer widths, activations, the log σ² clamp and
 * the snapshot format. No tfjs here, so the page (export, import, the plain-JS
 * decoder) can use it without pulling tfjs into its bundle; tfjs-core parses
 * `location.search` when it loads and a malformed `%` in a link would blank the page.
 */
import type { Activation } from '../config/types';
import { LOG_VAR_CLAMP } from './training-choices';

export type LayerActivation = Activation | 'linear';

/** log σ² is clamped so a wild learning rate cannot push exp(log σ²) to Infinity. */
export const LOG_VAR_RANGE = [-10, 10] as const;

/** clampLogVar of vae.ts for one number: the log σ² the model uses for a raw encoder output. */
export function clampLogVarValue(raw: number): number {
  const [lo, hi] = LOG_VAR_RANGE;
  if (LOG_VAR_CLAMP === 'hard') return Math.min(hi, Math.max(lo, raw));
  return (hi + lo) / 2 + ((hi - lo) / 2) * Math.tanh((raw - (hi + lo) / 2) / ((hi - lo) / 2));
}

/** d clampLogVarValue / d raw: the slope a gradient is multiplied by on its way back through the clamp. */
export function clampLogVarSlopeValue(raw: number): number {
  const [lo, hi] = LOG_VAR_RANGE;
  if (LOG_VAR_CLAMP === 'hard') return raw >= lo && raw <= hi ? 1 : 0;
  const t = Math.tanh((raw - (hi + lo) / 2) / ((hi - lo) / 2));
  return 1 - t * t;
}

/** ½(μ² + σ² − log σ² − 1): one latent dimension's KL to N(0, 1), in nats, from μ and log σ². */
export function klOfDimension(mu: number, logVar: number): number {
  return 0.5 * (mu * mu + Math.exp(logVar) - logVar - 1);
}

export interface VaeArchitecture {
  inputSize: number;
  /** Encoder hidden widths, input side first; the decoder mirrors them. */
  hidden: number[];
  latent: number;
  act: Activation;
}

/** Plain arrays of one layer's parameters, for snapshots, export and main-thread decoding. */
export interface LayerSnapshot {
  inputs: number;
  outputs: number;
  act: LayerActivation;
  /** inputs × outputs, row-major (the same layout as the tfjs kernel). */
  weights: Float32Array;
  bias: Float32Array;
}

/** Layer widths from input to output, with the activation each layer ends in. */
export function layerPlan(arch: VaeArchitecture): { encoder: [number, number, LayerActivation][]; decoder: [number, number, LayerActivation][] } {
  const encWidths = [arch.inputSize, ...arch.hidden];
  const encoder: [number, number, LayerActivation][] = [];
  for (let i = 0; i < arch.hidden.length; i++) encoder.push([encWidths[i], encWidths[i + 1], arch.act]);
  // One head outputs μ and log σ² side by side.
  encoder.push([encWidths[encWidths.length - 1], 2 * arch.latent, 'linear']);

  const decWidths = [arch.latent, ...[...arch.hidden].reverse()];
  const decoder: [number, number, LayerActivation][] = [];
  for (let i = 0; i < arch.hidden.length; i++) decoder.push([decWidths[i], decWidths[i + 1], arch.act]);
  decoder.push([decWidths[decWidths.length - 1], arch.inputSize, 'linear']);
  return { encoder, decoder };
}
