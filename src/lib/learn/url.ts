/**
 * The Learn lab's state <-> URL query string. Reading a link, its caps and the wording of its messages are
 * the playground's too (url/query.ts, url/values.ts); this file adds the lab's table, its distributions
 * and 2-D Gaussians. A distribution that does not sum to 1 is normalised (and the message says so).
 */
import { normalize } from './discrete';
import type { InfoUnit } from './units';
import { quote, readLink, valueMessage, writeLink, type LinkMessage } from '../url/query';
import { checkNumber, checkOption, checkPresent, clamp, readNumberList, type ValueCheck } from '../url/values';

export { MAX_QUERY_LENGTH, MAX_VALUE_LENGTH } from '../url/query';
export type LabMessage = LinkMessage;

export const PANELS = ['entropy', 'kl', 'closed', 'fit', 'recon', 'elbo'] as const;
export type PanelId = (typeof PANELS)[number];
export const UNITS = ['bits', 'nats'] as const;

export const MIN_OUTCOMES = 2;
export const MAX_OUTCOMES = 10;
/** Hand-typed distributions such as 0.33,0.33,0.34 are kept as typed within this slack of Σ = 1. */
export const SUM_TOLERANCE = 1e-6;

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

type LabValue = string | number | number[];

/** Reads a lab link's query (with or without '?'). Never throws. */
export function parseLab(search: string): { state: LabState; messages: LabMessage[] } {
  const state = defaultLabState();
  const { given, messages } = readLink<Spec>(search, {
    fieldFor: (key) => SPEC_BY_KEY.get(key),
    apply(spec, raw) {
      const check = (checkPresent(raw) ?? checkValue(spec, raw)) as ValueCheck<LabValue | readonly number[]>;
      if (check.ok) {
        write(state, spec.key, check.value as LabValue);
        return null;
      }
      const fallback = check.fallback ?? spec.fallback;
      const value: LabValue = Array.isArray(fallback) ? [...fallback] : (fallback as LabValue);
      write(state, spec.key, value);
      return valueMessage(spec.key, check.problem, check.why, formatLabValue(value));
    },
    current: (spec) => formatLabValue(read(state, spec.key)),
  });
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
  const written = LAB_SPECS.filter((spec) => spec.key === 'panel' || !sameValue(read(state, spec.key), read(defaults, spec.key)));
  return writeLink(written.map((spec) => [spec.key, formatLabValue(read(state, spec.key))]));
}

/** Numbers in shortest form after rounding to 8 decimals (float noise such as 0.30000000000000004 dropped). */
export function formatLabValue(value: LabValue): string {
  const one = (x: number) => String(Number(x.toFixed(8)) + 0);
  return Array.isArray(value) ? value.map(one).join(',') : typeof value === 'number' ? one(value) : value;
}

// --- Checking one value ------------------------------------------------------

function checkValue(spec: Spec, raw: string): ValueCheck<LabValue | readonly number[]> {
  switch (spec.kind) {
    case 'enum':
      return checkOption(raw, spec.options);
    case 'number':
      return checkNumber(raw, spec);
    case 'dist':
      return checkDistribution(raw);
    case 'tuple':
      return checkTuple(spec, raw);
  }
}

/**
 * 2–10 non-negative weights. Kept as typed when they already sum to 1 (within SUM_TOLERANCE) and none is
 * above 1; otherwise normalised, which also copes with weights whose sum overflows (1e308,1e308).
 */
function checkDistribution(raw: string): ValueCheck<number[]> {
  const read = readNumberList(raw, 'decimal');
  if (!read.ok) return read;
  const numbers = read.value;
  if (numbers.length < MIN_OUTCOMES) {
    return { ok: false, problem: 'too few items', why: `${quote(raw)} has ${numbers.length} outcome, fewer than ${MIN_OUTCOMES}` };
  }
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
  if (!values.some((v) => v > 0)) return { ok: false, problem: 'bad item', why: `${quote(raw)} has no positive entry` };
  const sum = values.reduce((s, v) => s + v, 0);
  if (Math.abs(sum - 1) > SUM_TOLERANCE || values.some((v) => v > 1)) {
    const total = Number.isFinite(sum) ? formatLabValue(sum) : 'more than 10³⁰⁸';
    problems.push(`the entries sum to ${total}, not 1, so they are normalised`);
    values = normalize(values);
  }
  if (problems.length === 0) return { ok: true, value: values };
  const problem = numbers.length > MAX_OUTCOMES ? 'too many items' : numbers.some((v) => v < 0) ? 'out of range' : 'normalised';
  return { ok: false, problem, why: `${quote(raw)}: ${problems.join('; ')}`, fallback: values };
}

function checkTuple(spec: TupleSpec, raw: string): ValueCheck<number[]> {
  const read = readNumberList(raw, 'decimal');
  const shape = `${spec.names.length} numbers (${spec.names.join(', ')})`;
  if (!read.ok || read.value.length !== spec.names.length) return { ok: false, problem: 'bad item', why: `${quote(raw)} is not ${shape}` };
  const numbers = read.value;
  const clamped = numbers.map((v, i) => clamp(v, spec.min[i], spec.max[i]));
  const outside = spec.names.flatMap((name, i) => (clamped[i] === numbers[i] ? [] : [`${name} ${spec.min[i]}–${spec.max[i]}`]));
  if (outside.length === 0) return { ok: true, value: numbers };
  return { ok: false, problem: 'out of range', why: `${quote(raw)} is out of range (${outside.join(', ')})`, fallback: clamped };
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
