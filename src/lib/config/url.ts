/**
 * Config <-> URL query string. Links are untrusted input: parsing never throws,
 * never touches prototypes, caps every size, and explains each value it rejects.
 *
 * Rule of thumb for a bad value: a value of the wrong form (not a number, unknown
 * option, ...) falls back to the default; a well-formed value that is out of
 * range is clamped to the nearest allowed value, which is closer to the intent.
 */
import type { PlaygroundConfig } from './types';
import { DEFAULT_CONFIG, RESET_KEYS } from './types';
import type { ConfigKey, EnumField, FieldSpec, IntListField, NumberField } from './schema';
import { SCHEMA, fieldFor } from './schema';

export type ConfigProblem =
  | 'empty'
  | 'too long'
  | 'not a number'
  | 'not finite'
  | 'not an integer'
  | 'out of range'
  | 'unknown option'
  | 'bad item'
  | 'too many items'
  | 'unknown key'
  | 'duplicate'
  | 'query too long'
  | 'unreadable'
  | 'pad conflict';

export interface ConfigMessage {
  /** The URL key concerned; '' for problems with the link as a whole. */
  key: string;
  problem: ConfigProblem;
  /** The value used instead, as it would appear in a link; '' when the key is ignored. */
  used: string;
  /** A complete sentence for people. */
  text: string;
}

export interface ParsedConfig {
  config: PlaygroundConfig;
  messages: ConfigMessage[];
}

export type Validation<K extends ConfigKey> =
  | { ok: true; value: PlaygroundConfig[K] }
  | { ok: false; message: ConfigMessage; fallback: PlaygroundConfig[K] };

export const MAX_QUERY_LENGTH = 4000;
export const MAX_VALUE_LENGTH = 200;
const ECHO_LENGTH = 40;

// Wider than the config's own types: raw enum text is a string until checked.
export type FieldValue = number | string | number[];
type Checked = { ok: true; value: FieldValue } | { ok: false; message: ConfigMessage; fallback: FieldValue };

// Plain decimal only: Number() would also accept "0x10", "0b1" and "Infinity".
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const NON_FINITE_WORD = /^[+-]?(?:infinity|inf|nan)$/i;
const WHOLE_NUMBER = /^\d+$/;

/** Reads a link's query (with or without the leading '?'). Never throws. */
export function parseConfig(search: string): ParsedConfig {
  const config = copyConfig(DEFAULT_CONFIG);
  const messages: ConfigMessage[] = [];
  const given = new Set<string>();
  try {
    const seenUnknown = new Set<string>();
    for (const [key, raw] of readParams(typeof search === 'string' ? search : '', messages)) {
      const field = fieldFor(key);
      if (!field) {
        if (!seenUnknown.has(key)) messages.push(unknownKeyMessage(key));
        seenUnknown.add(key);
      } else if (given.has(field.key)) {
        messages.push(duplicateMessage(field.key, raw, config[field.key]));
      } else {
        given.add(field.key);
        const checked = checkField(field, raw);
        assign(config, field.key, checked.ok ? checked.value : checked.fallback);
        if (!checked.ok) messages.push(checked.message);
      }
    }
  } catch {
    // Defensive only: every value assigned above was already validated.
    messages.push({ key: '', problem: 'unreadable', used: '', text: 'Part of the link could not be read and was ignored.' });
  }
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
  return SCHEMA.filter((field) => !valuesEqual(config[field.key], field.default))
    .map((field) => `${field.key}=${encodeValue(formatValue(config[field.key]))}`)
    .join('&');
}

/** Checks one control's raw input with the same rules and messages as links. */
export function validateValue<K extends ConfigKey>(key: K, raw: string): Validation<K> {
  const field = fieldFor(key);
  if (!field) throw new Error(`validateValue: "${key}" is not a setting`);
  return checkField(field, typeof raw === 'string' ? raw : '') as Validation<K>;
}

/**
 * Fixes the settings that depend on each other: the pad's dimensions must exist
 * in the latent and differ. Keys in `userKeys` are kept in preference to others.
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

// --- Reading the query -------------------------------------------------------

function readParams(search: string, messages: ConfigMessage[]): [string, string][] {
  let query = search.startsWith('?') ? search.slice(1) : search;
  if (query.length > MAX_QUERY_LENGTH) {
    const text = `The link's settings are ${query.length} characters long (limit ${MAX_QUERY_LENGTH}); everything after the first ${MAX_QUERY_LENGTH} was ignored.`;
    messages.push({ key: '', problem: 'query too long', used: '', text });
    // Drop the parameter cut in half too, rather than apply a truncated value.
    const cutCleanly = query[MAX_QUERY_LENGTH] === '&';
    query = query.slice(0, MAX_QUERY_LENGTH);
    if (!cutCleanly) query = query.slice(0, Math.max(0, query.lastIndexOf('&')));
  }
  // URLSearchParams leaves malformed % escapes as they are instead of throwing.
  return [...new URLSearchParams(query)];
}

function checkField(field: FieldSpec, raw: string): Checked {
  if (raw.length > MAX_VALUE_LENGTH) {
    return reject(field, 'too long', `the value is ${raw.length} characters long (limit ${MAX_VALUE_LENGTH})`, field.default);
  }
  if (raw.trim() === '') return reject(field, 'empty', 'the value is empty', field.default);
  switch (field.kind) {
    case 'int':
    case 'float':
      return checkNumber(field, raw);
    case 'enum':
      return checkEnum(field, raw);
    case 'intList':
      return checkIntList(field, raw);
  }
}

function checkNumber(field: NumberField, raw: string): Checked {
  const text = raw.trim();
  if (!DECIMAL.test(text)) {
    return NON_FINITE_WORD.test(text)
      ? reject(field, 'not finite', `${quote(raw)} is not a finite number`, field.default)
      : reject(field, 'not a number', `${quote(raw)} is not a number`, field.default);
  }
  const value = Number(text) + 0; // + 0 turns -0 into 0
  if (!Number.isFinite(value)) return reject(field, 'not finite', `${quote(raw)} is too large to be a number`, field.default);
  if (field.kind === 'int' && !Number.isInteger(value)) {
    return reject(field, 'not an integer', `${quote(raw)} is not a whole number`, field.default);
  }
  if (value < field.min || value > field.max) {
    const clamped = Math.min(field.max, Math.max(field.min, value));
    return reject(field, 'out of range', `${quote(raw)} is out of range (${field.min}–${field.max})`, clamped);
  }
  return { ok: true, value };
}

function checkEnum(field: EnumField, raw: string): Checked {
  if (field.options.includes(raw)) return { ok: true, value: raw };
  return reject(field, 'unknown option', `${quote(raw)} is not one of ${field.options.join(', ')}`, field.default);
}

function checkIntList(field: IntListField, raw: string): Checked {
  const items = raw.split(',').map((item) => item.trim());
  const badItem = items.find((item) => !WHOLE_NUMBER.test(item));
  if (badItem !== undefined) {
    const what = badItem === '' ? 'an empty entry' : `an entry that is not a whole number (${quote(badItem)})`;
    return reject(field, 'bad item', `${quote(raw)} has ${what}`, field.default);
  }
  const values = items.map(Number);
  const fitted = values.slice(0, field.maxItems).map((value) => Math.min(field.max, Math.max(field.min, value)));
  const allowed = `each ${field.min}–${field.max}${field.unit ? ` ${field.unit}` : ''}`;
  if (values.length > field.maxItems) {
    const why = `${quote(raw)} has ${values.length} ${field.item}s, more than the maximum ${field.maxItems} (${allowed})`;
    return reject(field, 'too many items', why, fitted);
  }
  if (!valuesEqual(values, fitted)) {
    return reject(field, 'out of range', `${quote(raw)} has a ${field.item} out of range (${allowed})`, fitted);
  }
  return { ok: true, value: values };
}

// --- Messages ----------------------------------------------------------------

function reject(field: FieldSpec, problem: ConfigProblem, why: string, fallback: FieldValue | readonly number[]): Checked {
  const used = formatValue(fallback);
  const copy = Array.isArray(fallback) ? [...fallback] : (fallback as FieldValue);
  return { ok: false, fallback: copy, message: { key: field.key, problem, used, text: `${quote(field.key)}: ${why}; using ${used}.` } };
}

function unknownKeyMessage(key: string): ConfigMessage {
  return { key, problem: 'unknown key', used: '', text: `${quote(key)} is not a setting; ignoring it.` };
}

function duplicateMessage(key: ConfigKey, raw: string, current: FieldValue): ConfigMessage {
  const used = formatValue(current);
  const text = `${quote(key)} appears more than once; ignoring the repeat ${quote(raw)} and using ${used}.`;
  return { key, problem: 'duplicate', used, text };
}

/** Quotes untrusted text for a message, cut to a readable length (by code point, not UTF-16 unit). */
function quote(text: string): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length > ECHO_LENGTH ? `${chars.slice(0, ECHO_LENGTH).join('')}…` : text);
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

// Commas are legal in a query and keep hidden=512,256 readable.
function encodeValue(text: string): string {
  return encodeURIComponent(text).replace(/%2C/g, ',');
}
