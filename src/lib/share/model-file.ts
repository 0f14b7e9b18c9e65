/**
 * The downloadable model: one JSON file with the full config, the step it was
 * saved at and every layer's weights as base64 float32 (little-endian).
 *
 * Files come from users, so reading one is all-or-nothing: every check runs
 * before anything is returned, and each refusal says what exactly was wrong.
 */
import type { PlaygroundConfig } from '../config/types';
import { SCHEMA } from '../config/schema';
import { formatValue, reconcileConfig, validateValue } from '../config/url';
import { layerPlan, type LayerActivation, type LayerSnapshot } from '../model/architecture';
import { featuresOf } from '../data/points2d';
import { base64ToBytes, bytesToFloat32, float32ToBase64 } from './base64';

export const MODEL_FORMAT = 'vae-playground-model';
export const MODEL_VERSION = 1;
/** Larger than any model the schema allows (4 × 1024 units ≈ 30 MB of base64), small enough to read safely. */
export const MAX_MODEL_FILE_BYTES = 64 * 1024 * 1024;

export interface ModelFile {
  config: PlaygroundConfig;
  step: number;
  layers: LayerSnapshot[];
}

export type ModelFileResult = { ok: true; model: ModelFile } | { ok: false; message: string };

/** The file text for a model. `layers` are all layers, encoder then decoder. */
export function encodeModelFile(model: ModelFile): string {
  const file = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    savedWith: 'VAE Playground',
    config: { ...model.config, hidden: [...model.config.hidden] },
    step: model.step,
    layers: model.layers.map((l) => ({
      inputs: l.inputs,
      outputs: l.outputs,
      act: l.act,
      weights: float32ToBase64(l.weights),
      bias: float32ToBase64(l.bias),
    })),
  };
  return JSON.stringify(file);
}

/** A file name that says what the model is, e.g. vae-mnist-z2-512x256-step1200.json. */
export function modelFileName(config: PlaygroundConfig, step: number): string {
  return `vae-${config.data}-z${config.latent}-${config.hidden.join('x')}-step${step}.json`;
}

class Refusal extends Error {}

function refuse(message: string): never {
  throw new Refusal(message);
}

/** Reads a model file's text; never throws. */
export function parseModelFile(text: string): ModelFileResult {
  try {
    return { ok: true, model: readModel(text) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    return { ok: false, message: `This file could not be read as a model (${error instanceof Error ? error.message : String(error)}).` };
  }
}

/** For the file picker: refuse a huge file before reading it into memory. */
export function checkModelFileSize(bytes: number): string | null {
  if (bytes > MAX_MODEL_FILE_BYTES) {
    return `This file is ${(bytes / 1e6).toFixed(1)} MB; a model file is at most ${MAX_MODEL_FILE_BYTES / (1024 * 1024)} MB.`;
  }
  if (bytes === 0) return 'This file is empty.';
  return null;
}

function readModel(text: string): ModelFile {
  if (typeof text !== 'string') refuse('This file could not be read as text.');
  const sizeProblem = checkModelFileSize(text.length);
  if (sizeProblem) refuse(sizeProblem);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    refuse('This file is not valid JSON: it is not a VAE Playground model, or it was cut short (truncated).');
  }
  if (!isRecord(data)) refuse('This file is JSON but not a VAE Playground model (expected an object).');
  if (data.format !== MODEL_FORMAT) {
    refuse(`This file is not a VAE Playground model (its "format" is ${describe(data.format)}, expected "${MODEL_FORMAT}").`);
  }
  if (data.version !== MODEL_VERSION) {
    refuse(`This model file has version ${describe(data.version)}; this app reads version ${MODEL_VERSION}.`);
  }
  const config = readConfig(data.config);
  const step = data.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) refuse(`The model's "step" is ${describe(step)}, not a whole number ≥ 0.`);
  return { config, step, layers: readLayers(data.layers, config) };
}

/** Settings that only choose what is shown; files written before they existed lack them. */
const VIEW_KEYS: ReadonlySet<string> = new Set(['probe']);

/** Every setting must be present and valid as it stands: a model file is not a forgiving link. */
function readConfig(raw: unknown): PlaygroundConfig {
  if (!isRecord(raw)) refuse('The model file has no "config" object.');
  const known = new Set<string>(SCHEMA.map((f) => f.key));
  const unknown = Object.keys(raw).find((key) => !known.has(key));
  if (unknown !== undefined) refuse(`The model's config has an unknown setting ${JSON.stringify(unknown.slice(0, 40))}.`);
  const config: Record<string, unknown> = {};
  for (const field of SCHEMA) {
    if (!Object.hasOwn(raw, field.key)) {
      // A view setting newer than some files: its absence means its default.
      if (VIEW_KEYS.has(field.key)) {
        config[field.key] = field.default;
        continue;
      }
      refuse(`The model's config is missing the setting "${field.key}".`);
    }
    const value = raw[field.key];
    const rightType =
      field.kind === 'enum' ? typeof value === 'string'
      : field.kind === 'intList' ? Array.isArray(value) && value.every((v) => typeof v === 'number')
      : typeof value === 'number';
    if (!rightType) refuse(`The model's config has a wrong kind of value for "${field.key}": ${describe(value)}.`);
    const checked = validateValue(field.key, formatValue(value as string | number | number[]));
    if (!checked.ok) refuse(`The model's config is invalid: ${checked.message.text.replace(/; using .*$/, '.')}`);
    config[field.key] = checked.value;
  }
  const typed = config as unknown as PlaygroundConfig;
  const reconciled = reconcileConfig(typed);
  if (reconciled.messages.length > 0) refuse(`The model's config is invalid: ${reconciled.messages[0].text.replace(/; using .*$/, '.')}`);
  return typed;
}

function readLayers(raw: unknown, config: PlaygroundConfig): LayerSnapshot[] {
  const plan = layerPlan({ inputSize: featuresOf(config.data), hidden: config.hidden, latent: config.latent, act: config.act });
  const expected = [...plan.encoder, ...plan.decoder];
  if (!Array.isArray(raw)) refuse('The model file has no "layers" list.');
  if (raw.length !== expected.length) {
    refuse(`The model file has ${raw.length} layers, but its config (hidden ${config.hidden.join(',')}, latent ${config.latent}) needs ${expected.length}.`);
  }
  return expected.map(([inputs, outputs, act], i) => readLayer(raw[i], i, inputs, outputs, act));
}

function readLayer(raw: unknown, index: number, inputs: number, outputs: number, act: LayerActivation): LayerSnapshot {
  const name = `Layer ${index + 1}`;
  if (!isRecord(raw)) refuse(`${name} of the model file is not an object.`);
  if (raw.inputs !== inputs || raw.outputs !== outputs) {
    refuse(`${name} is ${describe(raw.inputs)}×${describe(raw.outputs)}, but the config's architecture needs ${inputs}×${outputs}.`);
  }
  if (raw.act !== act) refuse(`${name} uses activation ${describe(raw.act)}, but the config needs ${act}.`);
  return {
    inputs,
    outputs,
    act,
    weights: readFloats(raw.weights, inputs * outputs, `${name}'s weights`),
    bias: readFloats(raw.bias, outputs, `${name}'s bias`),
  };
}

function readFloats(raw: unknown, count: number, what: string): Float32Array {
  if (typeof raw !== 'string') refuse(`${what} are missing (expected base64 text).`);
  const decoded = base64ToBytes(raw);
  if (!decoded.ok) refuse(`${what} are not valid base64: ${decoded.reason}.`);
  if (decoded.bytes.length !== count * 4) {
    refuse(`${what} hold ${decoded.bytes.length} bytes, expected ${count * 4} (${count} float32 values); the file may be truncated or edited.`);
  }
  const values = bytesToFloat32(decoded.bytes);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) refuse(`${what} contain a non-finite value (${values[bad]}) at position ${bad}.`);
  return values;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Untrusted values in messages: short, quoted, never markup (messages are rendered as text). */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
