import { describe, expect, it } from 'vitest';
import type { PlaygroundConfig } from '../../src/lib/config/types';
import { DEFAULT_CONFIG, RESET_KEYS } from '../../src/lib/config/types';
import fc from 'fast-check';
import type { EnumField, FieldSpec, IntListField, NumberField } from '../../src/lib/config/schema';
import { SCHEMA, fieldFor } from '../../src/lib/config/schema';
import type { ConfigMessage } from '../../src/lib/config/url';
import {
  MAX_QUERY_LENGTH,
  changedResetKeys,
  configsEqual,
  parseConfig,
  reconcileConfig,
  serializeConfig,
  formatValue,
  validateValue,
} from '../../src/lib/config/url';
import { PRESETS } from '../../src/lib/config/presets';
import { isPointData } from '../../src/lib/data/points2d';

// --- Seeded randomness -------------------------------------------------------

/** mulberry32: small, fast, and reproducible across runs. */
function makeRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  return { next, int, pick };
}
type Random = ReturnType<typeof makeRandom>;

// --- Independent checks ------------------------------------------------------

/** Every way a config can break the schema, as readable strings ([] = valid). */
function configProblems(config: PlaygroundConfig): string[] {
  const problems: string[] = [];
  if (Object.getPrototypeOf(config) !== Object.prototype) problems.push('config prototype');
  const keys = Object.keys(config).sort().join();
  if (keys !== SCHEMA.map((f) => f.key).sort().join()) problems.push(`keys: ${keys}`);
  for (const field of SCHEMA) {
    const value: unknown = config[field.key];
    const bad = (why: string) => problems.push(`${field.key}=${String(value)}: ${why}`);
    if (field.kind === 'enum') {
      if (typeof value !== 'string' || !field.options.includes(value)) bad('not an option');
    } else if (field.kind === 'intList') {
      if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) bad('not an array');
      else if (value.length < field.minItems || value.length > field.maxItems) bad('length');
      else if (!value.every((v) => Number.isInteger(v) && v >= field.min && v <= field.max)) bad('item');
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < field.min || value > field.max) {
      bad('out of range');
    } else if (field.kind === 'int' && !Number.isInteger(value)) {
      bad('not an integer');
    }
  }
  if (config.padx >= config.latent || config.pady >= config.latent) problems.push('pad dim >= latent');
  if (config.latent >= 2 && config.padx === config.pady) problems.push('padx == pady');
  if (isPointData(config.data) && config.recon !== DEFAULT_CONFIG.recon) problems.push('recon changed for a 2-D point set');
  return problems;
}

/** Keys of the (kept part of the) query that the parser must explain whatever their values: unknown and repeated keys. */
function keysNeedingMessages(query: string): string[] {
  const needing = new Set<string>();
  const seen = new Set<string>();
  for (const [key] of new URLSearchParams(query)) {
    if (!fieldFor(key) || seen.has(key)) needing.add(key);
    seen.add(key);
  }
  return [...needing];
}

// --- An oracle that does not read the parser: values built from parts whose meaning is known ----------

/** A raw link value and what the parser must make of it: the value used, and whether it must say why. */
interface Case {
  raw: string;
  value: number | string | number[];
  explained: boolean;
}

/** Texts that are not plain decimal numbers by the link rules (digits, one point, optional sign and exponent). */
const NOT_NUMBERS = ['abc', '0x10', '0b1', '0o7', '1_000', '5px', '1e', '1e+', 'e5', '.', '-', '+-1', '1.2.3', '1,5', '٥', '５', '5%', '--1', '1 2', 'true', '[]', '½'];
const NOT_FINITE = ['Infinity', '-Infinity', 'inf', 'NaN', '1e999', '-1e400'];

/** Ways to write the number n that the link rules accept; n's value is the same in each. */
function spellings(n: number): fc.Arbitrary<string> {
  const plain = String(n);
  const options = [plain, ` ${plain} `, n >= 0 ? `+${plain}` : plain, n.toExponential(), n.toExponential().toUpperCase()];
  if (Number.isInteger(n)) options.push(`${plain}.0`, `${plain}.`, n >= 0 ? `00${plain}` : plain, `${n * 10}e-1`);
  return fc.constantFrom(...options);
}

function numberCase(field: NumberField): fc.Arbitrary<Case> {
  const whole = field.kind === 'int';
  const inRange = whole ? fc.integer({ min: field.min, max: field.max }) : fc.double({ min: field.min, max: field.max, noNaN: true });
  const valid = inRange.chain((n) => spellings(n + 0).map((raw) => ({ raw, value: n + 0, explained: false })));
  const span = Math.max(1, field.max - field.min);
  const outside = fc.oneof(fc.integer({ min: 1, max: 1000 }).map((k) => field.max + k * span), fc.integer({ min: 1, max: 1000 }).map((k) => field.min - k * span));
  const clamped = outside.map((n) => ({ raw: String(n), value: n > field.max ? field.max : field.min, explained: true }));
  const refused = fc.constantFrom(...NOT_NUMBERS, ...NOT_FINITE, '', ' ').map((raw) => ({ raw, value: field.default, explained: true }));
  if (!whole) return fc.oneof(valid, valid, clamped, refused);
  const fraction = fc.integer({ min: field.min, max: field.max - 1 }).map((n) => ({ raw: `${n}.5`, value: field.default, explained: true }));
  return fc.oneof(valid, valid, clamped, refused, fraction);
}

function enumCase(field: EnumField): fc.Arbitrary<Case> {
  const valid = fc.constantFrom(...field.options).map((raw): Case => ({ raw, value: raw, explained: false }));
  const words = field.options.map((o) => o.toUpperCase()).concat([' ', `${field.options[0]} `, 'toString', '__proto__', 'x']);
  const refused = fc.constantFrom(...words).map((raw): Case => ({ raw, value: field.default, explained: true }));
  return fc.oneof(valid, refused);
}

/** A list of widths: digits only, each clamped into range, at most maxItems kept. */
function listCase(field: IntListField): fc.Arbitrary<Case> {
  const width = fc.integer({ min: 0, max: field.max * 2 });
  return fc.oneof(
    fc.tuple(fc.array(width, { minLength: 1, maxLength: field.maxItems + 2 }), fc.constantFrom(',', ', ', ' , ')).map(([items, separator]) => {
      const value = items.slice(0, field.maxItems).map((n) => Math.min(field.max, Math.max(field.min, n)));
      const explained = items.length > field.maxItems || value.some((v, i) => v !== items[i]);
      return { raw: items.join(separator), value, explained };
    }),
    fc.constantFrom('64,-5', '1.5', '64,,32', '64,', ',', '64;32', 'abc', '6e1', '+64').map((raw) => ({ raw, value: [...field.default], explained: true })),
  );
}

function caseFor(field: FieldSpec): fc.Arbitrary<Case> {
  return field.kind === 'enum' ? enumCase(field) : field.kind === 'intList' ? listCase(field) : numberCase(field);
}

// --- Generators ----------------------------------------------------------------

function randomValidConfig(random: Random): PlaygroundConfig {
  const config = { ...DEFAULT_CONFIG, hidden: [...DEFAULT_CONFIG.hidden] } as PlaygroundConfig;
  const values = config as unknown as Record<string, unknown>;
  for (const field of SCHEMA) {
    if (random.next() < 0.3) continue; // keep the default
    if (field.kind === 'enum') values[field.key] = random.pick(field.options);
    else if (field.kind === 'intList') {
      values[field.key] = Array.from({ length: random.int(field.minItems, field.maxItems) }, () => random.int(field.min, field.max));
    } else if (field.kind === 'int') values[field.key] = random.int(field.min, field.max);
    else if (field.log) values[field.key] = field.min * (field.max / field.min) ** random.next();
    else values[field.key] = random.pick([field.min, field.max, field.min + random.next() * (field.max - field.min)]);
  }
  config.latent = random.int(1, 32);
  config.padx = random.int(0, config.latent - 1);
  config.pady = config.latent === 1 ? 0 : (config.padx + random.int(1, config.latent - 1)) % config.latent;
  if (isPointData(config.data)) config.recon = DEFAULT_CONFIG.recon; // recon does not apply to points
  return config;
}

const JUNK_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '', 'x', 'Beta', 'béta', '💥', 'a b', '%', '__proto__[polluted]', 'constructor[prototype][polluted]'];
const JUNK_VALUES = [
  '', ' ', 'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '1e999', '-1e999', '1e-999', '9'.repeat(400), '9007199254740993',
  '0x10', '0b1', '1_000', '-0', '+5', ' 5 ', '5.', '.5', '2.0', '2.5', '1e3', '-1', '%', '%zz', '%E0%A4%A', '%ED%A0%80', '%00',
  '💥', 'é', '\u0000', 'relu', 'RELU', 'mse', 'shapes', 'webgl', '1,2,3', '1,,2', ',', '512,256,', '1,2,3,4,5', '2000,1',
  'a'.repeat(250), '0,1', 'true', 'null', 'undefined', '[]', '{}', 'polluted', '1&2', '1=2',
];

function randomValue(random: Random, field: FieldSpec | undefined): string {
  const roll = random.next();
  if (!field || roll < 0.4) return random.pick(JUNK_VALUES);
  if (field.kind === 'enum') return roll < 0.7 ? random.pick(field.options) : random.pick(field.options).toUpperCase();
  if (field.kind === 'intList') return Array.from({ length: random.int(1, 6) }, () => random.int(-5, 1100)).join(',');
  const span = field.max - field.min;
  return String(random.pick([field.min - 1, field.max + 1, field.min + random.next() * span, Math.round(field.min + random.next() * span)]));
}

function randomQuery(random: Random): string {
  const parts: string[] = [];
  const count = random.int(0, 12);
  for (let i = 0; i < count; i++) {
    const roll = random.next();
    if (roll < 0.08) parts.push(random.pick(['', '&', '=', '==', '%', '?', '#', 'x'.repeat(random.int(1, 5000))]));
    else {
      const key = roll < 0.7 ? random.pick(SCHEMA).key : random.pick(JUNK_KEYS);
      const encode = random.next() < 0.5 ? encodeURIComponent : (s: string) => s;
      parts.push(`${encode(key)}=${encode(randomValue(random, fieldFor(key)))}`);
    }
  }
  const separator = random.next() < 0.9 ? '&' : '&&';
  return (random.next() < 0.3 ? '?' : '') + parts.join(separator);
}

function keptQuery(search: string): string {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (query.length <= MAX_QUERY_LENGTH) return query;
  const cut = query.slice(0, MAX_QUERY_LENGTH);
  return query[MAX_QUERY_LENGTH] === '&' ? cut : cut.slice(0, Math.max(0, cut.lastIndexOf('&')));
}

// --- Tests ---------------------------------------------------------------------

describe('schema', () => {
  it('covers every config key exactly once, and the defaults are valid', () => {
    expect(SCHEMA.map((f) => f.key).sort()).toEqual(Object.keys(DEFAULT_CONFIG).sort());
    expect(configProblems({ ...DEFAULT_CONFIG, hidden: [...DEFAULT_CONFIG.hidden] })).toEqual([]);
    for (const field of SCHEMA) expect(fieldFor(field.key)).toBe(field);
    expect(fieldFor('__proto__')).toBeUndefined();
    expect(fieldFor('toString')).toBeUndefined();
    expect(fieldFor('lr').log).toBe(true);
  });
});

describe('serializeConfig / parseConfig round trip', () => {
  it('gives "" for the default config', () => {
    expect(serializeConfig(DEFAULT_CONFIG)).toBe('');
    expect(parseConfig('')).toEqual({ config: DEFAULT_CONFIG, messages: [] });
    expect(parseConfig('?')).toEqual({ config: DEFAULT_CONFIG, messages: [] });
  });

  it('writes only changed values, in schema order', () => {
    const config = { ...DEFAULT_CONFIG, pady: 7, latent: 16, padx: 3, hidden: [64], lr: 0.00001 };
    expect(serializeConfig(config)).toBe('hidden=64&latent=16&lr=0.00001&padx=3&pady=7');
  });

  it('gives back an equal config with no messages for 1000 random valid configs', () => {
    const random = makeRandom(1234);
    const failures: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const config = randomValidConfig(random);
      const query = serializeConfig(config);
      const parsed = parseConfig(random.next() < 0.5 ? `?${query}` : query);
      if (!configsEqual(parsed.config, config) || parsed.messages.length > 0 || configProblems(config).length > 0) {
        failures.push(`${query} -> ${JSON.stringify(parsed)}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});

describe('parseConfig on hostile input', () => {
  it('survives 12,000 random malformed queries with a valid config and a message for every unknown or repeated key', () => {
    const random = makeRandom(99);
    const failures: string[] = [];
    for (let i = 0; i < 12_000; i++) {
      const search = randomQuery(random);
      try {
        const { config, messages } = parseConfig(search);
        const problems = configProblems(config);
        const explained = new Set(messages.map((m: ConfigMessage) => m.key));
        const unexplained = keysNeedingMessages(keptQuery(search)).filter((key) => !explained.has(key));
        const badText = messages.filter((m) => !m.text.endsWith('.') || m.text.length > 400);
        if (problems.length || unexplained.length || badText.length) {
          failures.push(`${search.slice(0, 200)}: ${[...problems, ...unexplained.map((k) => `no message for ${k}`), ...badText.map((m) => m.text)].join('; ')}`);
        }
      } catch (error) {
        failures.push(`${search.slice(0, 200)}: threw ${String(error)}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('reads every value as the link rules say (an oracle built from known parts, not from the parser)', () => {
    const query = fc
      .shuffledSubarray([...SCHEMA], { minLength: 1 })
      .chain((fields) => fc.tuple(fc.tuple(...fields.map((field) => caseFor(field).map((c) => [field.key, c] as const))), fc.subarray(['foo', '__proto__', 'toString', 'Beta'])));
    fc.assert(
      fc.property(query, ([cases, unknown]) => {
        const expected = { ...DEFAULT_CONFIG, hidden: [...DEFAULT_CONFIG.hidden] } as Record<string, unknown>;
        const explainedKeys = [...unknown];
        for (const [key, c] of cases) {
          expected[key] = c.value;
          if (c.explained) explainedKeys.push(key);
        }
        // A point set ignores `recon` and says so whenever the link names it (after any message about its value).
        if (isPointData(expected.data as string) && cases.some(([key]) => key === 'recon')) {
          explainedKeys.push('recon');
          expected.recon = DEFAULT_CONFIG.recon;
        }
        const pairs = [...cases.map(([key, c]) => [key, c.raw]), ...unknown.map((key) => [key, '1'])];
        const { config, messages } = parseConfig(pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
        expect(configProblems(config)).toEqual([]);
        const padsFit = (expected.padx as number) < (expected.latent as number) && (expected.pady as number) < (expected.latent as number) && (expected.latent === 1 || expected.padx !== expected.pady);
        const pad = (key: string) => key === 'padx' || key === 'pady';
        if (padsFit) {
          expect(config).toEqual(expected);
          expect(messages.map((m) => m.key).sort()).toEqual(explainedKeys.sort());
        } else {
          // Pads that do not fit the latent are moved (reconcileConfig's own tests say where); all else as predicted.
          for (const field of SCHEMA) if (!pad(field.key)) expect(config[field.key], field.key).toEqual(expected[field.key]);
          expect(messages.map((m) => m.key).filter((k) => !pad(k)).sort()).toEqual(explainedKeys.filter((k) => !pad(k)).sort());
        }
        for (const m of messages) if (fieldFor(m.key) && !pad(m.key)) expect(m.used, m.text).toBe(formatValue(expected[m.key] as number));
      }),
      { numRuns: 3000, seed: 4242 },
    );
  });

  it('never throws on non-string input', () => {
    expect(parseConfig(undefined as unknown as string).config).toEqual(DEFAULT_CONFIG);
    expect(parseConfig(42 as unknown as string).config).toEqual(DEFAULT_CONFIG);
  });
});

/** Parses one query and returns the config and its single message for `key`. */
function parseOne(query: string, key: string) {
  const { config, messages } = parseConfig(query);
  const mine = messages.filter((m) => m.key === key);
  expect(mine).toHaveLength(1);
  return { config, message: mine[0], messages };
}

describe('parseConfig hand cases', () => {
  it('rejects a non-number and keeps the other good values', () => {
    const { config, message, messages } = parseOne('beta=abc&latent=8&act=tanh', 'beta');
    expect(message).toEqual({ key: 'beta', problem: 'not a number', used: '1', text: '"beta": "abc" is not a number; using 1.' });
    expect(messages).toHaveLength(1);
    expect(config).toMatchObject({ beta: 1, latent: 8, act: 'tanh' });
  });

  it.each(['Infinity', '-Infinity', 'NaN', '1e999'])('rejects the non-finite %s', (raw) => {
    const { config, message } = parseOne(`lr=${raw}`, 'lr');
    expect(message.problem).toBe('not finite');
    expect(config.lr).toBe(DEFAULT_CONFIG.lr);
  });

  it.each(['0x10', '1_000', '5px', ' ', '1e'])('rejects the non-decimal %j', (raw) => {
    expect(parseOne(`batch=${encodeURIComponent(raw)}`, 'batch').config.batch).toBe(128);
  });

  it('clamps out-of-range numbers and says the range', () => {
    const { config, message } = parseOne('latent=100', 'latent');
    expect(config.latent).toBe(32);
    expect(message).toMatchObject({ problem: 'out of range', used: '32' });
    expect(message.text).toContain('1–32');
    expect(parseOne('lr=0', 'lr').config.lr).toBe(1e-5);
    expect(parseOne('beta=-1', 'beta').config.beta).toBe(0);
    expect(parseOne('seed=4294967296', 'seed').config.seed).toBe(2 ** 31 - 1);
  });

  it('rejects non-integers for int fields but accepts integral spellings', () => {
    const { config, message } = parseOne('batch=2.5', 'batch');
    expect(config.batch).toBe(128);
    expect(message.problem).toBe('not an integer');
    expect(parseConfig('batch=64.0&warmup=1e3&seed=-0')).toEqual({
      config: { ...DEFAULT_CONFIG, batch: 64, warmup: 1000, seed: 0 },
      messages: [],
    });
    expect(Object.is(parseConfig('seed=-0').config.seed, 0)).toBe(true);
  });

  it('ignores unknown and prototype-poking keys without touching prototypes', () => {
    const query = '__proto__=x&constructor=y&prototype=z&__proto__[polluted]=1&toString=1&foo=2&foo=3&beta=2';
    const { config, messages } = parseConfig(query);
    expect(messages.map((m) => m.key)).toEqual(['__proto__', 'constructor', 'prototype', '__proto__[polluted]', 'toString', 'foo']);
    expect(messages.every((m) => m.problem === 'unknown key' && m.used === '')).toBe(true);
    expect(messages[0].text).toBe('"__proto__" is not a setting on this page; ignoring it.');
    expect(config.beta).toBe(2);
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(Object.keys(config)).toEqual(Object.keys(DEFAULT_CONFIG));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('lists the allowed values for an unknown option (enums are case-sensitive)', () => {
    const { config, message } = parseOne('act=swish', 'act');
    expect(config.act).toBe('relu');
    expect(message.text).toBe('"act": "swish" is not one of relu, leakyrelu, elu, tanh, sigmoid; using relu.');
    expect(parseOne('recon=MSE', 'recon').message.problem).toBe('unknown option');
  });

  it('takes webgpu as a backend and still refuses junk, naming the choices', () => {
    const good = parseConfig('backend=webgpu');
    expect(good.messages).toEqual([]);
    expect(good.config.backend).toBe('webgpu');
    expect(serializeConfig({ ...DEFAULT_CONFIG, backend: 'webgpu' })).toBe('backend=webgpu');
    for (const junk of ['WebGPU', 'webgpu2', 'gpu', 'webgpu ']) {
      const { config, message } = parseOne(`backend=${encodeURIComponent(junk)}`, 'backend');
      expect(config.backend).toBe('auto');
      expect(message.text).toBe(`"backend": "${junk}" is not one of auto, webgl, webgpu, wasm, cpu; using auto.`);
    }
  });

  it('keeps the first of duplicate keys and says so', () => {
    const { config, message } = parseOne('beta=2&beta=3', 'beta');
    expect(config.beta).toBe(2);
    expect(message).toMatchObject({ problem: 'duplicate', used: '2' });
    expect(message.text).toBe('"beta" appears more than once; ignoring the repeat "3" and using 2.');
  });

  it('rejects empty values', () => {
    for (const query of ['beta=', 'beta', 'hidden=', 'act=']) {
      const key = query.split('=')[0];
      expect(parseOne(query, key).message.problem).toBe('empty');
    }
  });

  it('rejects absurdly long values and truncates the echo', () => {
    const { message } = parseOne(`beta=${'1'.repeat(201)}`, 'beta');
    expect(message.problem).toBe('too long');
    const echoed = parseOne(`act=${'y'.repeat(150)}`, 'act').message.text;
    expect(echoed).toContain(`"${'y'.repeat(40)}…"`);
    expect(echoed).not.toContain('y'.repeat(41));
  });

  it('caps the query length, drops the cut parameter and still applies what came before', () => {
    const filler = `foo=${'z'.repeat(MAX_QUERY_LENGTH)}`;
    const { config, messages } = parseConfig(`beta=3&${filler}&latent=9`);
    expect(config.beta).toBe(3);
    expect(config.latent).toBe(2);
    expect(messages.map((m) => m.problem)).toEqual(['query too long']);
    expect(messages[0].key).toBe('');
    expect(() => parseConfig('%'.repeat(100_000))).not.toThrow();
  });

  it('handles hidden lists: bad items, out-of-range widths, too many layers', () => {
    expect(parseConfig('hidden=64,32').config.hidden).toEqual([64, 32]);
    expect(parseConfig('hidden=64, 32').messages).toEqual([]);
    for (const raw of ['64,abc', '64,,32', '64,32,', '-5', '1.5', '64;32']) {
      const { config, message } = parseOne(`hidden=${raw}`, 'hidden');
      expect(message.problem).toBe('bad item');
      expect(config.hidden).toEqual([512, 256]);
    }
    const wide = parseOne('hidden=2000,0', 'hidden');
    expect(wide.config.hidden).toEqual([1024, 1]);
    expect(wide.message.problem).toBe('out of range');
    const deep = parseOne('hidden=5,4,3,2,1', 'hidden');
    expect(deep.config.hidden).toEqual([5, 4, 3, 2]);
    expect(deep.message.problem).toBe('too many items');
    expect(deep.message.text).toContain('5 layers');
  });

  it('tolerates malformed percent escapes and odd separators', () => {
    expect(parseConfig('beta=%&latent=%zz&&act=%E0%A4%A').config).toEqual(DEFAULT_CONFIG);
    expect(parseConfig('&&beta=2&&').config.beta).toBe(2);
    expect(parseConfig('beta=2=3').messages[0].problem).toBe('not a number');
    expect(parseConfig('data=%73hapes').config.data).toBe('shapes');
  });

  it('fixes pad dimensions that do not fit the latent', () => {
    const far = parseOne('padx=5', 'padx');
    expect(far.config).toMatchObject({ padx: 0, pady: 1 });
    expect(far.message.text).toBe('"padx": 5 is not a dimension of the 2-D latent (0–1); using 0.');
    expect(parseOne('padx=1&pady=1', 'pady').config).toMatchObject({ padx: 1, pady: 0 });
    // The dimension the link chose is kept and the default one moves, quietly.
    expect(parseConfig('pady=0')).toEqual({ config: { ...DEFAULT_CONFIG, padx: 1, pady: 0 }, messages: [] });
    expect(parseConfig('padx=1')).toEqual({ config: { ...DEFAULT_CONFIG, padx: 1, pady: 0 }, messages: [] });
    expect(parseConfig('latent=1')).toEqual({ config: { ...DEFAULT_CONFIG, latent: 1, pady: 0 }, messages: [] });
    expect(parseConfig('latent=16&padx=3&pady=7').config).toMatchObject({ latent: 16, padx: 3, pady: 7 });
  });

  it('returns a fresh hidden array each time', () => {
    const first = parseConfig('').config;
    first.hidden.push(1);
    expect(parseConfig('').config.hidden).toEqual([512, 256]);
    expect(DEFAULT_CONFIG.hidden).toEqual([512, 256]);
  });
});

describe('validateValue', () => {
  it('accepts good input and returns the same messages as links', () => {
    expect(validateValue('beta', '2.5')).toEqual({ ok: true, value: 2.5 });
    expect(validateValue('hidden', '32,16')).toEqual({ ok: true, value: [32, 16] });
    expect(validateValue('act', 'elu')).toEqual({ ok: true, value: 'elu' });
    const bad = validateValue('beta', 'abc');
    expect(bad).toEqual({ ok: false, fallback: 1, message: parseConfig('beta=abc').messages[0] });
    expect(validateValue('batch', '9999')).toMatchObject({ ok: false, fallback: 512 });
  });
});

describe('reconcileConfig', () => {
  it('moves the pad off dimensions a smaller latent no longer has', () => {
    const config = { ...DEFAULT_CONFIG, latent: 2, padx: 3, pady: 7 };
    const { config: fixed, messages } = reconcileConfig(config);
    expect(fixed).toMatchObject({ padx: 0, pady: 1 });
    expect(messages.map((m) => m.key)).toEqual(['padx', 'pady']);
  });
});

describe('configsEqual / changedResetKeys', () => {
  it('compares values, including lists', () => {
    const a = { ...DEFAULT_CONFIG, hidden: [512, 256] };
    expect(configsEqual(a, DEFAULT_CONFIG)).toBe(true);
    expect(configsEqual({ ...a, hidden: [512] }, DEFAULT_CONFIG)).toBe(false);
    const b = { ...a, hidden: [64], beta: 3, seed: 7, lr: 0.01 };
    expect(changedResetKeys(a, b)).toEqual(['hidden', 'seed']);
    expect(changedResetKeys(a, b).every((key) => RESET_KEYS.has(key))).toBe(true);
    expect(changedResetKeys(a, a)).toEqual([]);
  });
});

describe('presets', () => {
  it('has at least 8 distinct presets that parse cleanly and are written canonically', () => {
    expect(PRESETS.length).toBeGreaterThanOrEqual(8);
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    for (const preset of PRESETS) {
      const { config, messages } = parseConfig(preset.query);
      expect(messages, preset.id).toEqual([]);
      expect(serializeConfig(config), preset.id).toBe(preset.query);
      expect(preset.notice.length, preset.id).toBeGreaterThan(20);
    }
  });
});
