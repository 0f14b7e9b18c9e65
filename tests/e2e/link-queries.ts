/**
 * fast-check generators for hostile link queries: what a pasted, truncated,
 * hand-edited or malicious link can carry. Keys, ranges and options come from
 * the pages' own schemas, so a new setting is fuzzed without touching this file.
 */
import fc from 'fast-check';
import { SCHEMA } from '../../src/lib/config/schema';
import { LAB_SPECS } from '../../src/lib/learn/url';

/** What a key accepts, as far as generating awkward but well-formed values needs. */
interface KeyShape {
  min: number;
  max: number;
  options: readonly string[];
  list: boolean;
}

function shapesOf(entries: { key: string; shape: KeyShape }[]): ReadonlyMap<string, KeyShape> {
  return new Map(entries.map(({ key, shape }) => [key, shape]));
}

export const PLAYGROUND_SHAPES = shapesOf(
  SCHEMA.map((field) => ({
    key: field.key,
    shape: field.kind === 'enum' ? { min: 0, max: 1, options: field.options, list: false } : { min: field.min, max: field.max, options: [], list: field.kind === 'intList' },
  })),
);

export const LAB_SHAPES = shapesOf(
  LAB_SPECS.map((spec) => ({
    key: spec.key,
    shape:
      spec.kind === 'enum' ? { min: 0, max: 1, options: spec.options, list: false }
      : spec.kind === 'number' ? { min: spec.min, max: spec.max, options: [], list: false }
      : spec.kind === 'dist' ? { min: 0, max: 1, options: [], list: true }
      : { min: Math.min(...spec.min), max: Math.max(...spec.max), options: [], list: true },
  })),
);

const MALFORMED_ESCAPES = ['%', '%%', '%zz', '%2', '%E0%A4%A', '%C0%80', '%FF', '%u0041', '50%', '%00', '%0A', '%25', '%26', '%3D'];
const OVERFLOWING = ['1e308', '-1e308', '1e309', '-1e999', '1e-400', '5e-324', '1.7976931348623157e308', '9007199254740993', '1e308,1e308', '-1e999,1e999'];
const NOT_NUMBERS = ['NaN', 'Infinity', '-Infinity', 'inf', '0x10', '0b1', '1_000', '1,', ',', ',,', '-0', '+', '.', 'e5', '1e', ' 1 '];
const TFJS_FLAGS = ['DEBUG:true', 'WEBGL_VERSION:1,DEBUG:true', 'PROD:false', 'IS_TEST:true', '%', 'DEBUG:%zz'];
const SEPARATORS = ['+', '&&', '#', '=', '==', ' ', '?', ';', '\\', '/', '..', '<script>', '"', "'"];
const ODD_KEYS = ['tfjsflags', '__proto__', 'constructor', 'toString', 'be%74a', '%', ''];

/** A number as a link might spell it, including ones no parser should accept. */
const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.double({ noNaN: true }).map((x) => x.toExponential()),
  fc.constantFrom(...OVERFLOWING, ...NOT_NUMBERS),
);

/** One fragment of junk; junk values are several fragments glued together. */
const fragment: fc.Arbitrary<string> = fc.oneof(
  numberText,
  fc.constantFrom(...MALFORMED_ESCAPES, ...SEPARATORS),
  fc.array(numberText, { minLength: 1, maxLength: 12 }).map((items) => items.join(',')),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

const junk: fc.Arbitrary<string> = fc.array(fragment, { minLength: 0, maxLength: 4 }).map((parts) => parts.join(''));

/** A number as text; in a query a raw '+' (1e+308) reads as a space, so also as 1e308 and 1e%2B308. */
function spelled(numbers: fc.Arbitrary<number>): fc.Arbitrary<string> {
  return numbers.chain((x) => {
    const text = String(x);
    return fc.constantFrom(text, text.replace('e+', 'e'), text.replace('+', '%2B'));
  });
}

/** Plain decimals the parser accepts, just inside a key's range or past what a double can sum. */
function extremes(shape: KeyShape): fc.Arbitrary<string> {
  return spelled(fc.constantFrom(shape.min, shape.max, 0, 1, -1, 5e-324, -5e-324, 1e-300, 1e308, -1e308, 1.7976931348623157e308));
}

function edgeNumber(shape: KeyShape): fc.Arbitrary<string> {
  return fc.oneof(spelled(fc.double({ min: shape.min, max: shape.max, noNaN: true })), extremes(shape));
}

/** Well-formed for the key (so it gets past the parser's syntax checks) but extreme. */
function wellFormed(shape: KeyShape): fc.Arbitrary<string> {
  if (shape.options.length > 0) {
    return fc.oneof(fc.constantFrom(...shape.options), fc.tuple(fc.constantFrom(...shape.options), fragment).map(([option, tail]) => option + tail));
  }
  if (shape.list) {
    return fc.oneof(
      fc.array(edgeNumber(shape), { minLength: 1, maxLength: 12 }).map((items) => items.join(',')),
      // One extreme repeated, such as 1e308,1e308: sums and products overflow.
      fc.tuple(extremes(shape), fc.integer({ min: 2, max: 12 })).map(([item, count]) => Array(count).fill(item).join(',')),
    );
  }
  return edgeNumber(shape);
}

/**
 * About 10 KB, far past every parser's limit. ASCII only, so the address stays
 * under the 16 KB request-line limit of Node's HTTP server (preview and dev).
 */
const hugeValue: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('9', '1e308,', '%', 'a', '%zz', '+'), fc.integer({ min: 10_000, max: 10_240 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

function key(own: ReadonlyMap<string, KeyShape>, other: ReadonlyMap<string, KeyShape>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...own.keys()) },
    { weight: 2, arbitrary: fc.constantFrom(...other.keys(), ...ODD_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  );
}

function pair(own: ReadonlyMap<string, KeyShape>, other: ReadonlyMap<string, KeyShape>): fc.Arbitrary<string> {
  const keyed = key(own, other).chain((k) => {
    const shape = own.get(k) ?? other.get(k);
    const value = shape ? fc.oneof(junk, wellFormed(shape)) : junk;
    return value.map((v) => `${k}=${v}`);
  });
  return fc.oneof(
    { weight: 6, arbitrary: keyed },
    { weight: 1, arbitrary: fc.constantFrom(...TFJS_FLAGS).map((flags) => `tfjsflags=${flags}`) },
    { weight: 1, arbitrary: key(own, other) }, // a key with no '='
  );
}

/**
 * A whole query string (without the '?'): repeated keys, empty pairs, `&&`, a trailing `#`, now and then one
 * 10 KB value. `lead`, if given, is a key set first in most links (the lab's `panel`, so every panel is reached).
 */
export function queryFor(own: ReadonlyMap<string, KeyShape>, other: ReadonlyMap<string, KeyShape>, lead?: string): fc.Arbitrary<string> {
  const leadShape = lead === undefined ? undefined : own.get(lead);
  const first = leadShape ? fc.option(wellFormed(leadShape).map((v) => `${lead}=${v}`), { freq: 4 }) : fc.constant(null);
  return fc
    .tuple(
      first,
      fc.array(pair(own, other), { minLength: 1, maxLength: 8 }),
      fc.constantFrom('&', '&', '&', '&&', '&amp;'),
      fc.option(fc.tuple(key(own, other), hugeValue).map(([k, v]) => `${k}=${v}`), { freq: 12 }),
      fc.constantFrom('', '', '', '#', '#%zz', '&'),
    )
    .map(([lead, pairs, separator, huge, tail]) => [...(lead === null ? [] : [lead]), ...pairs, ...(huge === null ? [] : [huge])].join(separator) + tail);
}
