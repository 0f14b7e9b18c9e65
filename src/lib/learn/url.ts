/**
 * The Learn lab's state <-> URL query string. Links are untrusted input, read in the same style as the
 * playground's (config/url.ts): parsing never throws, never touches prototypes, caps every size, and
 * explains each value it rejects, naming the parameter, what was wrong and the value used instead.
 *
 * A value of the wrong form falls back to the default; a well-formed value out of range is clamped.
 * A distribution that does not sum to 1 is normalised (and the message says so).
 */
import type { InfoUnit } from './units';

export const PANELS = ['entropy', 'kl', 'closed', 'fit', 'recon', 'elbo'] as const;
export type PanelId = (typeof PANELS)[number];
export const UNITS = ['bits', 'nats'] as const;

export const MIN_OUTCOMES = 2;
export const MAX_OUTCOMES = 10;
/** Hand-typed distributions such as 0.33,0.33,0.34 are kept as typed within this slack of Σ = 1. */
export const SUM_TOLERANCE = 1e-6;
export const MAX_QUERY_LENGTH = 2000;
export const MAX_VALUE_LENGTH = 200;
const ECHO_LENGTH = 40;

/** Everything the lab's panels show, flat so that each field is one URL key. */
export interface LabState {
  panel: PanelId;
  unit: InfoUnit;
  /** Discrete P and Q (entropy and KL panels). */
  p: number[];
  q: number[];
  /** Bernoulli parameters. */
  bp: number;
  bq: number;
  /** Two univariate Gaussians N(m1, s1²) and N(m2, s2²). */
  m1: number;
  s1: number;
  m2: number;
  s2: number;
  /** Two 2-D Gaussians, each [mean x, mean y, sd x, sd y, correlation]. */
  g1: number[];
  g2: number[];
  /** Test image index for the live-model panels. */
  img: number;
  /** Two-mode mixture for forward/reverse fitting: mode means a and b, weight of a, shared sd. */
  a: number;
  b: number;
  w: number;
  sd: number;
  /** One pixel: true value x, prediction xh, Gaussian likelihood's sd. */
  x: number;
  xh: number;
  sigma: number;
}

export interface LabMessage {
  /** The URL key concerned; '' for the link as a whole. */
  key: string;
  problem: 'empty' | 'too long' | 'not a number' | 'out of range' | 'unknown option' | 'bad item' | 'item count' | 'normalised' | 'mismatch' | 'unknown key' | 'duplicate' | 'query too long';
  /** The value used instead, as written in a link; '' when the key is ignored. */
  used: string;
  text: string;
}

interface NumberSpec { kind: 'number'; key: NumberKey; min: number; max: number; integer?: boolean; fallback: number }
interface EnumSpec { kind: 'enum'; key: 'panel' | 'unit'; options: readonly string[]; fallback: string }
interface DistSpec { kind: 'dist'; key: 'p' | 'q'; fallback: readonly number[] }
interface TupleSpec { kind: 'tuple'; key: 'g1' | 'g2'; names: readonly string[]; min: readonly number[]; max: readonly number[]; fallback: readonly number[] }
type Spec = NumberSpec | EnumSpec | DistSpec | TupleSpec;
type NumberKey = 'bp' | 'bq' | 'm1' | 's1' | 'm2' | 's2' | 'img' | 'a' | 'b' | 'w' | 'sd' | 'x' | 'xh' | 'sigma';

const GAUSS_2D = { names: ['mean x', 'mean y', 'sd x', 'sd y', 'correlation'], min: [-4, -4, 0.2, 0.2, -0.95], max: [4, 4, 3, 3, 0.95] };

/** One table drives parsing, serialising and the defaults; its order is the links' order. */
export const LAB_SPECS: readonly Spec[] = Object.freeze([
  { kind: 'enum', key: 'panel', options: PANELS, fallback: 'entropy' },
  { kind: 'enum', key: 'unit', options: UNITS, fallback: 'bits' },
  { kind: 'dist', key: 'p', fallback: [0.5, 0.3, 0.2] },
  { kind: 'dist', key: 'q', fallback: [0.33, 0.33, 0.34] },
  { kind: 'number', key: 'bp', min: 0, max: 1, fallback: 0.3 },
  { kind: 'number', key: 'bq', min: 0, max: 1, fallback: 0.6 },
  { kind: 'number', key: 'm1', min: -5, max: 5, fallback: 0 },
  { kind: 'number', key: 's1', min: 0.1, max: 5, fallback: 1 },
  { kind: 'number', key: 'm2', min: -5, max: 5, fallback: 1 },
  { kind: 'number', key: 's2', min: 0.1, max: 5, fallback: 1.5 },
  { kind: 'tuple', key: 'g1', ...GAUSS_2D, fallback: [1, 0.5, 0.6, 1.2, 0.6] },
  { kind: 'tuple', key: 'g2', ...GAUSS_2D, fallback: [0, 0, 1, 1, 0] },
  { kind: 'number', key: 'img', min: 0, max: 1999, integer: true, fallback: 0 },
  { kind: 'number', key: 'a', min: -6, max: 6, fallback: -2 },
  { kind: 'number', key: 'b', min: -6, max: 6, fallback: 2.5 },
  { kind: 'number', key: 'w', min: 0.05, max: 0.95, fallback: 0.5 },
  { kind: 'number', key: 'sd', min: 0.3, max: 2, fallback: 0.7 },
  { kind: 'number', key: 'x', min: 0, max: 1, fallback: 1 },
  { kind: 'number', key: 'xh', min: 0, max: 1, fallback: 0.7 },
  { kind: 'number', key: 'sigma', min: 0.05, max: 2, fallback: 1 },
] satisfies Spec[]);

// A Map, not an object, so keys like "__proto__" or "toString" can never resolve to anything.
const SPEC_BY_KEY = new Map<string, Spec>(LAB_SPECS.map((spec) => [spec.key, spec]));

export function defaultLabState(): LabState {
  const state: Record<string, unknown> = {};
  for (const spec of LAB_SPECS) state[spec.key] = Array.isArray(spec.fallback) ? [...spec.fallback] : spec.fallback;
  return state as unknown as LabState;
}

// Plain decimal only: Number() would also accept "0x10", "Infinity" and "".
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

type Checked = { value: LabValue; message?: LabMessage };
type LabValue = string | number | number[];

/** Reads a lab link's query (with or without '?'). Never throws. */
export function parseLab(search: string): { state: LabState; messages: LabMessage[] } {
  const state = defaultLabState();
  const messages: LabMessage[] = [];
  const given = new Set<string>();
  const unknown = new Set<string>();
  for (const [key, raw] of readParams(typeof search === 'string' ? search : '', messages)) {
    const spec = SPEC_BY_KEY.get(key);
    if (!spec) {
      if (!unknown.has(key)) messages.push({ key, problem: 'unknown key', used: '', text: `${quote(key)} is not a setting of the lab; ignoring it.` });
      unknown.add(key);
      continue;
    }
    if (given.has(key)) {
      const used = formatLabValue(read(state, spec.key));
      messages.push({ key, problem: 'duplicate', used, text: `${quote(key)} appears more than once; ignoring the repeat ${quote(raw)} and using ${used}.` });
      continue;
    }
    given.add(key);
    const checked = checkValue(spec, raw);
    write(state, spec.key, checked.value);
    if (checked.message) messages.push(checked.message);
  }
  reconcileOutcomes(state, given, messages);
  return { state, messages };
}

/** P and Q need the same outcomes: the one the link gave is kept (P if both), the other becomes uniform. */
function reconcileOutcomes(state: LabState, given: ReadonlySet<string>, messages: LabMessage[]): void {
  if (state.p.length === state.q.length) return;
  const keepQ = given.has('q') && !given.has('p');
  const [moved, kept] = keepQ ? (['p', 'q'] as const) : (['q', 'p'] as const);
  const n = state[kept].length;
  const uniform = Array.from({ length: n }, () => 1 / n);
  if (given.has(moved)) {
    const text = `${quote(moved)}: has ${state[moved].length} outcomes but ${quote(kept)} has ${n}; using the uniform distribution over ${n} outcomes.`;
    messages.push({ key: moved, problem: 'mismatch', used: formatLabValue(uniform), text });
  }
  state[moved] = uniform;
}

/** The link for a state: panel first, then only the values that differ from the defaults. */
export function serializeLab(state: LabState): string {
  const defaults = defaultLabState();
  return LAB_SPECS.filter((spec) => spec.key === 'panel' || !sameValue(read(state, spec.key), read(defaults, spec.key)))
    .map((spec) => `${spec.key}=${encodeURIComponent(formatLabValue(read(state, spec.key))).replace(/%2C/g, ',')}`)
    .join('&');
}

/** Numbers in shortest form after rounding to 8 decimals (float noise such as 0.30000000000000004 dropped). */
export function formatLabValue(value: LabValue): string {
  const one = (x: number) => String(Number(x.toFixed(8)) + 0);
  return Array.isArray(value) ? value.map(one).join(',') : typeof value === 'number' ? one(value) : value;
}

// --- Checking one value ------------------------------------------------------

function checkValue(spec: Spec, raw: string): Checked {
  if (raw.length > MAX_VALUE_LENGTH) return reject(spec, 'too long', `the value is ${raw.length} characters long (limit ${MAX_VALUE_LENGTH})`, spec.fallback);
  if (raw.trim() === '') return reject(spec, 'empty', 'the value is empty', spec.fallback);
  switch (spec.kind) {
    case 'enum':
      return spec.options.includes(raw) ? { value: raw } : reject(spec, 'unknown option', `${quote(raw)} is not one of ${spec.options.join(', ')}`, spec.fallback);
    case 'number':
      return checkNumber(spec, raw);
    case 'dist':
      return checkDistribution(spec, raw);
    case 'tuple':
      return checkTuple(spec, raw);
  }
}

function checkNumber(spec: NumberSpec, raw: string): Checked {
  const text = raw.trim();
  const value = DECIMAL.test(text) ? Number(text) + 0 : NaN; // + 0 turns -0 into 0
  if (!Number.isFinite(value)) return reject(spec, 'not a number', `${quote(raw)} is not a finite number`, spec.fallback);
  if (spec.integer && !Number.isInteger(value)) return reject(spec, 'not a number', `${quote(raw)} is not a whole number`, spec.fallback);
  if (value < spec.min || value > spec.max) {
    return reject(spec, 'out of range', `${quote(raw)} is out of range (${spec.min}–${spec.max})`, Math.min(spec.max, Math.max(spec.min, value)));
  }
  return { value };
}

function splitNumbers(raw: string): { numbers: number[]; bad: string | null } {
  const items = raw.split(',').map((item) => item.trim());
  const bad = items.find((item) => !DECIMAL.test(item) || !Number.isFinite(Number(item)));
  return { numbers: items.map((item) => Number(item) + 0), bad: bad ?? null };
}

function checkDistribution(spec: DistSpec, raw: string): Checked {
  const { numbers, bad } = splitNumbers(raw);
  if (bad !== null) {
    const what = bad === '' ? 'an empty entry' : `an entry that is not a finite number (${quote(bad)})`;
    return reject(spec, 'bad item', `${quote(raw)} has ${what}`, spec.fallback);
  }
  if (numbers.length < MIN_OUTCOMES) return reject(spec, 'item count', `${quote(raw)} has ${numbers.length} outcome, fewer than ${MIN_OUTCOMES}`, spec.fallback);
  const problems: string[] = [];
  let values = numbers;
  if (values.length > MAX_OUTCOMES) {
    problems.push(`it has ${values.length} outcomes, more than ${MAX_OUTCOMES}, so only the first ${MAX_OUTCOMES} are kept`);
    values = values.slice(0, MAX_OUTCOMES);
  }
  if (values.some((v) => v < 0)) {
    problems.push('probabilities cannot be negative, so negative entries are set to 0');
    values = values.map((v) => Math.max(0, v));
  }
  const sum = values.reduce((s, v) => s + v, 0);
  if (sum === 0) return reject(spec, 'bad item', `${quote(raw)} has no positive entry`, spec.fallback);
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    problems.push(`the entries sum to ${formatLabValue(sum)}, not 1, so they are normalised`);
    values = values.map((v) => v / sum);
  }
  if (problems.length === 0) return { value: values };
  const problem = numbers.length > MAX_OUTCOMES ? 'item count' : numbers.some((v) => v < 0) ? 'out of range' : 'normalised';
  return reject(spec, problem, `${quote(raw)}: ${problems.join('; ')}`, values);
}

function checkTuple(spec: TupleSpec, raw: string): Checked {
  const { numbers, bad } = splitNumbers(raw);
  const shape = `${spec.names.length} numbers (${spec.names.join(', ')})`;
  if (bad !== null || numbers.length !== spec.names.length) return reject(spec, 'bad item', `${quote(raw)} is not ${shape}`, spec.fallback);
  const clamped = numbers.map((v, i) => Math.min(spec.max[i], Math.max(spec.min[i], v)));
  const outside = spec.names.filter((_, i) => clamped[i] !== numbers[i]);
  if (outside.length === 0) return { value: numbers };
  const ranges = outside.map((name) => {
    const i = spec.names.indexOf(name);
    return `${name} ${spec.min[i]}–${spec.max[i]}`;
  });
  return reject(spec, 'out of range', `${quote(raw)} is out of range (${ranges.join(', ')})`, clamped);
}

function reject(spec: Spec, problem: LabMessage['problem'], why: string, fallback: LabValue | readonly number[]): Checked {
  const value: LabValue = Array.isArray(fallback) ? [...fallback] : (fallback as LabValue);
  const used = formatLabValue(value);
  return { value, message: { key: spec.key, problem, used, text: `${quote(spec.key)}: ${why}; using ${used}.` } };
}

// --- Reading the query -------------------------------------------------------

function readParams(search: string, messages: LabMessage[]): [string, string][] {
  let query = search.startsWith('?') ? search.slice(1) : search;
  if (query.length > MAX_QUERY_LENGTH) {
    const text = `The link's settings are ${query.length} characters long (limit ${MAX_QUERY_LENGTH}); everything after the first ${MAX_QUERY_LENGTH} was ignored.`;
    messages.push({ key: '', problem: 'query too long', used: '', text });
    const cutCleanly = query[MAX_QUERY_LENGTH] === '&';
    query = query.slice(0, MAX_QUERY_LENGTH);
    // Drop the parameter cut in half rather than apply a truncated value.
    if (!cutCleanly) query = query.slice(0, Math.max(0, query.lastIndexOf('&')));
  }
  try {
    return [...new URLSearchParams(query)];
  } catch {
    return [];
  }
}

/** Quotes untrusted text for a message, cut to a readable length (by code point). */
function quote(text: string): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length > ECHO_LENGTH ? `${chars.slice(0, ECHO_LENGTH).join('')}…` : text);
}

// Keys always come from LAB_SPECS, whose kind fixes the value's type.
function read(state: LabState, key: Spec['key']): LabValue {
  return (state as unknown as Record<string, LabValue>)[key];
}

function write(state: LabState, key: Spec['key'], value: LabValue): void {
  (state as unknown as Record<string, LabValue>)[key] = value;
}

function sameValue(a: LabValue, b: LabValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => formatLabValue(v) === formatLabValue(b[i]));
  if (typeof a === 'number' && typeof b === 'number') return formatLabValue(a) === formatLabValue(b);
  return a === b;
}
