/**
 * Checking one raw link value: the rules both pages share. A value of the wrong form (not a number, unknown
 * option, ...) is refused and the page falls back to its default; a well-formed value out of range comes
 * back clamped, which is closer to what the link meant.
 */
import { MAX_VALUE_LENGTH, quote, type LinkProblem } from './query';

/** What a value check settled on. `fallback` undefined means "the page's default". */
export type ValueCheck<T> = { ok: true; value: T } | { ok: false; problem: LinkProblem; why: string; fallback?: T };

export interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
}

// Plain decimal only: Number() would also accept "", "0x10", "0b1", "1_0"... and "Infinity".
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const NON_FINITE_WORD = /^[+-]?(?:infinity|inf|nan)$/i;
const WHOLE_NUMBER = /^\d+$/;

/** Refuses a value that is too long or blank, before any other check; null when it may be read. */
export function checkPresent(raw: string): ValueCheck<never> | null {
  if (raw.length > MAX_VALUE_LENGTH) return refuse('too long', `the value is ${raw.length} characters long (limit ${MAX_VALUE_LENGTH})`);
  if (raw.trim() === '') return refuse('empty', 'the value is empty');
  return null;
}

/** A plain decimal number that is finite (surrounding spaces allowed); -0 reads as 0. */
export function readDecimal(raw: string): ValueCheck<number> {
  const text = raw.trim();
  if (!DECIMAL.test(text)) {
    return NON_FINITE_WORD.test(text) ? refuse('not finite', `${quote(raw)} is not a finite number`) : refuse('not a number', `${quote(raw)} is not a number`);
  }
  const value = Number(text) + 0; // + 0 turns -0 into 0
  if (!Number.isFinite(value)) return refuse('not finite', `${quote(raw)} is too large to be a number`);
  return { ok: true, value };
}

/** A number within [min, max] (whole if `integer`); out of range comes back clamped. */
export function checkNumber(raw: string, rule: NumberRule): ValueCheck<number> {
  const read = readDecimal(raw);
  if (!read.ok) return read;
  const value = read.value;
  if (rule.integer && !Number.isInteger(value)) return refuse('not an integer', `${quote(raw)} is not a whole number`);
  if (value < rule.min || value > rule.max) {
    return { ok: false, problem: 'out of range', why: `${quote(raw)} is out of range (${rule.min}–${rule.max})`, fallback: clamp(value, rule.min, rule.max) };
  }
  return { ok: true, value };
}

/** One of a fixed list of words (case-sensitive; a list, never an object's keys). */
export function checkOption(raw: string, options: readonly string[]): ValueCheck<string> {
  if (options.includes(raw)) return { ok: true, value: raw };
  return refuse('unknown option', `${quote(raw)} is not one of ${options.join(', ')}`);
}

/**
 * A comma-separated list of numbers: `whole` entries are digits only (no sign, point or exponent);
 * `decimal` entries are finite plain decimals. Counts and ranges are the caller's to check.
 */
export function readNumberList(raw: string, entries: 'whole' | 'decimal'): ValueCheck<number[]> {
  const items = raw.split(',').map((item) => item.trim());
  for (const item of items) {
    const fine = entries === 'whole' ? WHOLE_NUMBER.test(item) : readDecimal(item).ok;
    if (fine) continue;
    const kind = entries === 'whole' ? 'a whole number' : 'a finite number';
    const what = item === '' ? 'an empty entry' : `an entry that is not ${kind} (${quote(item)})`;
    return refuse('bad item', `${quote(raw)} has ${what}`);
  }
  return { ok: true, value: items.map((item) => Number(item) + 0) };
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function refuse(problem: LinkProblem, why: string): { ok: false; problem: LinkProblem; why: string } {
  return { ok: false, problem, why };
}
