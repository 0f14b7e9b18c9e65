/**
 * Config <-> URL query string. Reading a link, its caps and the wording of its messages are shared with
 * the lab (url/query.ts, url/values.ts); this file adds the playground's table and the settings that
 * depend on each other (the pad's dimensions).
 */
import type { PlaygroundConfig } from './types';
import { isPointData } from '../data/points2d';
import { POINT_SIGMA } from '../model/recon-term';
import { DEFAULT_CONFIG, RESET_KEYS } from './types';
import type { ConfigKey, FieldSpec, IntListField } from './schema';
import { SCHEMA, fieldFor } from './schema';
import { quote, readLink, valueMessage, writeLink, type LinkMessage, type LinkProblem } from '../url/query';
import { checkNumber, checkOption, checkPresent, clamp, readNumberList, type ValueCheck } from '../url/values';

export { MAX_QUERY_LENGTH, MAX_VALUE_LENGTH } from '../url/query';
export type ConfigProblem = LinkProblem;
export type ConfigMessage = LinkMessage;

export interface ParsedConfig {
  config: PlaygroundConfig;
  messages: ConfigMessage[];
}

export type Validation<K extends ConfigKey> =
  | { ok: true; value: PlaygroundConfig[K] }
  | { ok: false; message: ConfigMessage; fallback: PlaygroundConfig[K] };

// Wider than the config's own types: raw enum text is a string until checked.
export type FieldValue = number | string | number[];
type Checked = { ok: true; value: FieldValue } | { ok: false; message: ConfigMessage; fallback: FieldValue };

/** Reads a link's query (with or without the leading '?'). Never throws. */
export function parseConfig(search: string): ParsedConfig {
  const config = copyConfig(DEFAULT_CONFIG);
  const { given, messages } = readLink<FieldSpec>(search, {
    fieldFor,
    apply(field, raw) {
      const checked = checkField(field, raw);
      assign(config, field.key, checked.ok ? checked.value : checked.fallback);
      return checked.ok ? null : checked.message;
    },
    current: (field) => formatValue(config[field.key]),
  });
  const reconciled = reconcileConfig(config, given);
  // Quietly adjusting a default the link never mentioned is not worth a message.
  messages.push(...reconciled.messages.filter((message) => given.has(message.key)));
  return { config: reconciled.config, messages };
}

/**
 * The link for a config: only the values that differ from the defaults, in
 * SCHEMA order, without a leading '?'. '' for the default config.
 */
export function serializeConfig(config: PlaygroundConfig): string {
  const changed = SCHEMA.filter((field) => !valuesEqual(config[field.key], field.default));
  return writeLink(changed.map((field) => [field.key, formatValue(config[field.key])]));
}

/** Checks one control's raw input with the same rules and messages as links. */
export function validateValue<K extends ConfigKey>(key: K, raw: string): Validation<K> {
  const field = fieldFor(key);
  if (!field) throw new Error(`validateValue: "${key}" is not a setting`);
  return checkField(field, typeof raw === 'string' ? raw : '') as Validation<K>;
}

/**
 * Fixes the settings that depend on each other: the pad's dimensions must exist
 * in the latent and differ; `recon` does not apply to 2-D point sets. Keys in `userKeys` are kept in preference to others.
 */
export function reconcileConfig(config: PlaygroundConfig, userKeys: ReadonlySet<string> = new Set()): ParsedConfig {
  const fixed = copyConfig(config);
  const messages: ConfigMessage[] = [];
  const dims = fixed.latent;
  const range = dims === 1 ? 'only 0' : `0–${dims - 1}`;
  const dimOtherThan = (dim: number) => (dims >= 2 && dim === 0 ? 1 : 0);
  const moveOutOfRange = (key: 'padx' | 'pady', used: number) => {
    const text = `${quote(key)}: ${fixed[key]} is not a dimension of the ${dims}-D latent (${range}); using ${used}.`;
    messages.push({ key, problem: 'out of range', used: String(used), text });
    fixed[key] = used;
  };
  if (fixed.padx >= dims) moveOutOfRange('padx', fixed.pady < dims ? dimOtherThan(fixed.pady) : 0);
  if (fixed.pady >= dims) moveOutOfRange('pady', dimOtherThan(fixed.padx));
  if (dims >= 2 && fixed.padx === fixed.pady) {
    const moved = userKeys.has('pady') && !userKeys.has('padx') ? 'padx' : 'pady';
    const kept = moved === 'padx' ? 'pady' : 'padx';
    const used = dimOtherThan(fixed[kept]);
    const text = `${quote(moved)}: ${fixed[moved]} is the same dimension as ${quote(kept)}; using ${used}.`;
    messages.push({ key: moved, problem: 'pad conflict', used: String(used), text });
    fixed[moved] = used;
  }
  // `recon` is about images: a point set keeps it at its default, so its links stay canonical.
  // Only a link that names `recon` hears about it.
  if (isPointData(fixed.data) && (userKeys.has('recon') || fixed.recon !== DEFAULT_CONFIG.recon)) {
    const text = `${quote('recon')}: ${fixed.recon} applies to images; the 2-D point set ${quote(fixed.data)} is always fitted with a Gaussian likelihood (σ = ${POINT_SIGMA}), so it is ignored.`;
    messages.push({ key: 'recon', problem: 'mismatch', used: DEFAULT_CONFIG.recon, text });
    fixed.recon = DEFAULT_CONFIG.recon;
  }
  return { config: fixed, messages };
}

export function configsEqual(a: PlaygroundConfig, b: PlaygroundConfig): boolean {
  return SCHEMA.every((field) => valuesEqual(a[field.key], b[field.key]));
}

/** The keys in RESET_KEYS whose values differ, i.e. why a fresh model is needed. */
export function changedResetKeys(a: PlaygroundConfig, b: PlaygroundConfig): ConfigKey[] {
  return SCHEMA.filter((field) => RESET_KEYS.has(field.key) && !valuesEqual(a[field.key], b[field.key]))
    .map((field) => field.key);
}

/** A value as it is written in a link: lists comma-joined, numbers in shortest exact form. */
export function formatValue(value: FieldValue | readonly number[]): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

// --- Checking one value ------------------------------------------------------

function checkField(field: FieldSpec, raw: string): Checked {
  const check = (checkPresent(raw) ?? checkByKind(field, raw)) as ValueCheck<FieldValue>;
  if (check.ok) return check;
  return reject(field, check.problem, check.why, check.fallback ?? field.default);
}

function checkByKind(field: FieldSpec, raw: string): ValueCheck<FieldValue> {
  switch (field.kind) {
    case 'int':
    case 'float':
      return checkNumber(raw, { min: field.min, max: field.max, integer: field.kind === 'int' });
    case 'enum':
      return checkOption(raw, field.options);
    case 'intList':
      return checkIntList(field, raw);
  }
}

function checkIntList(field: IntListField, raw: string): ValueCheck<FieldValue> {
  const read = readNumberList(raw, 'whole');
  if (!read.ok) return read;
  const values = read.value;
  const fitted = values.slice(0, field.maxItems).map((value) => clamp(value, field.min, field.max));
  const allowed = `each ${field.min}–${field.max}${field.unit ? ` ${field.unit}` : ''}`;
  if (values.length > field.maxItems) {
    const why = `${quote(raw)} has ${values.length} ${field.item}s, more than the maximum ${field.maxItems} (${allowed})`;
    return { ok: false, problem: 'too many items', why, fallback: fitted };
  }
  if (!valuesEqual(values, fitted)) {
    return { ok: false, problem: 'out of range', why: `${quote(raw)} has a ${field.item} out of range (${allowed})`, fallback: fitted };
  }
  return { ok: true, value: values };
}

function reject(field: FieldSpec, problem: ConfigProblem, why: string, fallback: FieldValue | readonly number[]): Checked {
  const copy = Array.isArray(fallback) ? [...fallback] : (fallback as FieldValue);
  return { ok: false, fallback: copy, message: valueMessage(field.key, problem, why, formatValue(copy)) };
}

// --- Small helpers -----------------------------------------------------------

function copyConfig(config: Readonly<PlaygroundConfig>): PlaygroundConfig {
  return { ...config, hidden: [...config.hidden] };
}

/** `key` always comes from SCHEMA, whose kind fixes the value's type. */
function assign(config: PlaygroundConfig, key: ConfigKey, value: FieldValue): void {
  (config as unknown as Record<ConfigKey, FieldValue>)[key] = value;
}

function valuesEqual(a: FieldValue | readonly number[], b: FieldValue | readonly number[]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => item === b[i]);
  return a === b;
}
