import { describe, expect, it } from 'vitest';
import {
  LAB_SPECS,
  MAX_OUTCOMES,
  MAX_QUERY_LENGTH,
  PANELS,
  defaultLabState,
  parseLab,
  serializeLab,
  type LabState,
} from '../../src/lib/learn/url';
import {
  bernoulliKl,
  bernoulliNll,
  covarianceEllipse,
  crossEntropy,
  entropy,
  fitStep,
  gaussianKl,
  gaussianNll,
  halfSquaredError,
  information,
  klDivergence,
  klFor,
  klTerms,
  mixtureLogPdf,
  mixtureMoments,
  mvnKl,
  numericalGaussianKl,
  type GaussianMixture1D,
} from '../../src/lib/learn/math';
import { mulberry32 } from '../../src/lib/data/rng';

/** The app's seeded PRNG: small and reproducible. */
const makeRandom = mulberry32;

/** Independent check that a parsed state is inside every bound the panels rely on. */
function stateProblems(state: LabState): string[] {
  const problems: string[] = [];
  if (Object.getPrototypeOf(state) !== Object.prototype) problems.push('prototype');
  if (Object.keys(state).sort().join() !== LAB_SPECS.map((s) => s.key).sort().join()) problems.push('keys');
  for (const spec of LAB_SPECS) {
    const value: unknown = (state as unknown as Record<string, unknown>)[spec.key];
    if (spec.kind === 'enum' && !(typeof value === 'string' && spec.options.includes(value))) problems.push(spec.key);
    if (spec.kind === 'number') {
      const ok = typeof value === 'number' && value >= spec.min && value <= spec.max && (!spec.integer || Number.isInteger(value));
      if (!ok) problems.push(`${spec.key}=${String(value)}`);
    }
    if (spec.kind === 'dist') {
      const ok = Array.isArray(value) && value.length >= 2 && value.length <= MAX_OUTCOMES && value.every((v) => v >= 0 && Number.isFinite(v));
      const sum = Array.isArray(value) ? value.reduce((a: number, b: number) => a + b, 0) : NaN;
      if (!ok || Math.abs(sum - 1) > 1e-6) problems.push(`${spec.key}=${String(value)}`);
    }
    if (spec.kind === 'tuple') {
      const ok = Array.isArray(value) && value.length === 5 && value.every((v, i) => v >= spec.min[i] && v <= spec.max[i]);
      if (!ok) problems.push(`${spec.key}=${String(value)}`);
    }
  }
  if (state.p.length !== state.q.length) problems.push('p/q length');
  return problems;
}

/**
 * What the lab's panels compute from a parsed state (entropy, KL, closed forms, fitting, pixel losses).
 * Throws where a panel would throw; returns every number a panel would show.
 */
function panelNumbers(state: LabState): number[] {
  const { p, q, unit } = state;
  const numbers = [entropy(p, unit), entropy(q, unit), crossEntropy(p, q, unit), crossEntropy(q, p, unit)];
  for (const table of [klTerms(p, q, unit), klTerms(q, p, unit)]) numbers.push(table.total);
  for (const pi of p) numbers.push(information(pi, unit));
  numbers.push(bernoulliKl(state.bp, state.bq, unit), bernoulliKl(state.bq, state.bp, unit));
  numbers.push(klDivergence([state.bp, 1 - state.bp], [state.bq, 1 - state.bq], unit));
  const g1 = { mean: state.m1, sd: state.s1 };
  const g2 = { mean: state.m2, sd: state.s2 };
  numbers.push(gaussianKl(g1, g2, unit), gaussianKl(g2, g1, unit), numericalGaussianKl(g1, g2, unit));
  const mvn = ([mx, my, sx, sy, r]: number[]) => ({ mean: [mx, my], cov: [[sx * sx, r * sx * sy], [r * sx * sy, sy * sy]] });
  numbers.push(mvnKl(mvn(state.g1), mvn(state.g2), unit), mvnKl(mvn(state.g2), mvn(state.g1), unit));
  for (const g of [state.g1, state.g2]) numbers.push(covarianceEllipse([g[0], g[1]], mvn(g).cov).rx);
  const target: GaussianMixture1D = { weights: [state.w, 1 - state.w], means: [state.a, state.b], sds: [state.sd, state.sd] };
  numbers.push(mixtureMoments(target).variance, mixtureLogPdf(state.a, target));
  for (const direction of ['forward', 'reverse'] as const) {
    const start = { mu: state.a + 0.5, logSigma: Math.log(0.8) };
    const stepped = fitStep({ target, q: start, iteration: 0 }, direction, 0.1, { maxStep: 0.06 }).state.q;
    numbers.push(klFor(direction, target, stepped), stepped.mu, stepped.logSigma);
  }
  numbers.push(bernoulliNll(state.x, state.xh, unit), gaussianNll(state.x, state.xh, state.sigma, unit), halfSquaredError(state.x, state.xh, unit));
  return numbers;
}

/** Numbers at and beyond what a double can hold, for links that try to break the lab's math. */
const EXTREMES = ['1e308', '1.7976931348623157e308', '-1e308', '1e-320', '5e-324', '-5e-324', '1.0000005', '0.9999995', '1e-9', '0', '-0', '1e16', '123456789012345678901234567890'];

describe('parseLab', () => {
  it('opens the KL panel with the seed example exactly as typed', () => {
    const { state, messages } = parseLab('?panel=kl&p=0.5,0.3,0.2&q=0.33,0.33,0.34&unit=bits');
    expect(messages).toEqual([]);
    expect(state.panel).toBe('kl');
    expect(state.unit).toBe('bits');
    expect(state.p).toEqual([0.5, 0.3, 0.2]);
    expect(state.q).toEqual([0.33, 0.33, 0.34]);
    expect(klDivergence(state.p, state.q, 'bits')).toBeCloseTo(0.105373, 6);
  });

  it('reads the second seed example in nats', () => {
    const { state, messages } = parseLab('p=0.4,0.6&q=0.5,0.5&unit=nats&panel=kl');
    expect(messages).toEqual([]);
    expect(klDivergence(state.p, state.q, state.unit)).toBeCloseTo(0.0201355, 7);
  });

  it('gives the defaults for an empty link', () => {
    expect(parseLab('')).toEqual({ state: defaultLabState(), messages: [] });
    expect(parseLab('?').messages).toEqual([]);
  });

  it('normalises a distribution that does not sum to 1 and says so', () => {
    const { state, messages } = parseLab('p=2,3,5');
    expect(state.p).toEqual([0.2, 0.3, 0.5]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ key: 'p', problem: 'normalised', used: '0.2,0.3,0.5' });
    expect(messages[0].text).toBe('"p": "2,3,5": the entries sum to 10, not 1, so they are normalised; using 0.2,0.3,0.5.');
  });

  it('sets negative entries to 0, keeps at most 10 outcomes, and rejects bad lists', () => {
    expect(parseLab('p=-1,1').state.p).toEqual([0, 1]);
    expect(parseLab('p=-1,1').messages[0].problem).toBe('out of range');
    const many = parseLab(`p=${Array(12).fill(1).join(',')}&q=${Array(10).fill(0.1).join(',')}`);
    expect(many.state.p).toHaveLength(10);
    expect(many.messages.map((m) => m.key)).toEqual(['p']);
    for (const bad of ['0.5', '0.5,,0.5', '0.5,x', '0,0,0', 'Infinity,1', '0x1,1', '1e999,1']) {
      const { state, messages } = parseLab(`p=${encodeURIComponent(bad)}`);
      expect(state.p, bad).toEqual([0.5, 0.3, 0.2]);
      expect(messages[0].key, bad).toBe('p');
      expect(messages[0].text, bad).toMatch(/using 0\.5,0\.3,0\.2\.$/);
    }
  });

  it('makes P and Q the same length, keeping the one the link gave', () => {
    const onlyP = parseLab('p=0.4,0.6');
    expect(onlyP.state.q).toEqual([0.5, 0.5]);
    expect(onlyP.messages).toEqual([]); // Q was never mentioned: nothing to explain
    const both = parseLab('p=0.4,0.6&q=0.2,0.3,0.5');
    expect(both.state.p).toEqual([0.4, 0.6]);
    expect(both.state.q).toEqual([0.5, 0.5]);
    expect(both.messages).toEqual([expect.objectContaining({ key: 'q', problem: 'mismatch', used: '0.5,0.5' })]);
    expect(parseLab('q=0.1,0.9').state.p).toEqual([0.5, 0.5]);
  });

  it('clamps out-of-range numbers and falls back on malformed ones, naming the parameter', () => {
    const { state, messages } = parseLab('m1=9&s1=abc&img=3.5&bp=-0.2&g1=9,0,1,1,0&g2=1,2&panel=nope&unit=Bits');
    expect(state.m1).toBe(5);
    expect(state.s1).toBe(1);
    expect(state.img).toBe(0);
    expect(state.bp).toBe(0);
    expect(state.g1).toEqual([4, 0, 1, 1, 0]);
    expect(state.g2).toEqual([0, 0, 1, 1, 0]);
    expect(state.panel).toBe('entropy');
    expect(state.unit).toBe('bits');
    expect(messages.map((m) => m.key)).toEqual(['m1', 's1', 'img', 'bp', 'g1', 'g2', 'panel', 'unit']);
    expect(messages[0].text).toBe('"m1": "9" is out of range (-5–5); using 5.');
    expect(messages[6].text).toBe('"panel": "nope" is not one of entropy, kl, closed, fit, recon, elbo; using entropy.');
    for (const m of messages) expect(m.text).toContain(`using ${m.used}.`);
  });

  it('ignores unknown, repeated and prototype-poking keys without touching prototypes', () => {
    const { state, messages } = parseLab('__proto__=x&constructor=y&__proto__[polluted]=1&toString=1&panel=kl&panel=fit&foo=1&foo=2');
    expect(state.panel).toBe('kl');
    expect(messages.map((m) => m.problem)).toEqual(['unknown key', 'unknown key', 'unknown key', 'unknown key', 'duplicate', 'unknown key']);
    expect(messages[4].text).toBe('"panel" appears more than once; ignoring the repeat "fit" and using kl.');
    expect(Object.getPrototypeOf(state)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('caps the query and value lengths', () => {
    const long = parseLab(`panel=kl&m1=${'1'.repeat(300)}`);
    expect(long.messages[0]).toMatchObject({ key: 'm1', problem: 'too long', used: '0' });
    const huge = parseLab(`panel=kl&${'x=1&'.repeat(MAX_QUERY_LENGTH)}`);
    expect(huge.messages[0].problem).toBe('query too long');
    expect(huge.state.panel).toBe('kl');
    const echo = parseLab(`${'k'.repeat(100)}=1`).messages[0].text;
    expect(echo.length).toBeLessThan(100);
  });

  it('never throws and always yields a valid state for random junk', () => {
    const random = makeRandom(7);
    const pieces = ['panel', 'unit', 'p', 'q', 'm1', 's2', 'g1', 'img', 'w', 'xh', '=', '&', ',', '-', '.', '0', '1', '5', 'e', 'x', '%', '%E0', '💥', '__proto__', 'NaN', ' '];
    for (let trial = 0; trial < 3000; trial++) {
      const length = Math.floor(random() * 40);
      const query = Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      const { state, messages } = parseLab(query);
      expect(stateProblems(state), query).toEqual([]);
      for (const m of messages) expect(m.text.length, query).toBeGreaterThan(0);
    }
  });
});

describe('links that tried to break the lab', () => {
  it('normalises weights whose sum overflows instead of leaving P all zero (the lab hung on this link)', () => {
    const { state, messages } = parseLab('panel=kl&p=1e308,1e308');
    expect(state.p).toEqual([0.5, 0.5]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ key: 'p', problem: 'normalised', used: '0.5,0.5' });
    expect(messages[0].text).toMatch(/^"p": .*sum to more than .*, not 1, so they are normalised; using 0\.5,0\.5\.$/);
    expect(() => panelNumbers(state)).not.toThrow();
    const [a, b, c] = parseLab('p=1.7976931348623157e308,1,1e308').state.p;
    expect(a).toBeCloseTo(1.7976931348623157 / 2.7976931348623157, 12);
    expect(c).toBeCloseTo(1 / 2.7976931348623157, 12);
    expect(b).toBeGreaterThan(0);
  });

  it('normalises an entry above 1 even when the sum is within the slack of 1 (information(p) needs p ≤ 1)', () => {
    const { state, messages } = parseLab('p=1.0000005,0');
    expect(state.p).toEqual([1, 0]);
    expect(messages[0]).toMatchObject({ key: 'p', problem: 'normalised', used: '1,0' });
    expect(() => panelNumbers(state)).not.toThrow();
  });

  it('keeps subnormal and tiny probabilities as they are and refuses lists whose entries all read as 0', () => {
    expect(parseLab('p=1e-320,1').state.p).toEqual([1e-320, 1]);
    expect(parseLab('p=5e-324,5e-324').state.p).toEqual([0.5, 0.5]);
    const gone = parseLab('p=1e-400,1e-999');
    expect(gone.state.p).toEqual([0.5, 0.3, 0.2]);
    expect(gone.messages[0]).toMatchObject({ key: 'p', problem: 'bad item', used: '0.5,0.3,0.2' });
    expect(gone.messages[0].text).toContain('no positive entry');
  });

  it('caps the number of settings read from one link and says so', () => {
    const { state, messages } = parseLab(`${'zz=1&'.repeat(60)}panel=kl`);
    expect(state.panel).toBe('entropy');
    expect(messages.map((m) => m.problem)).toEqual(['too many settings', 'unknown key']);
    expect(messages[0].text).toContain('61 settings (limit 50)');
  });

  it('gives every key and every extreme number a state the panels can compute, with finite or infinite (never NaN) results', () => {
    const failures: string[] = [];
    const keys = LAB_SPECS.map((spec) => spec.key);
    const lists = [...EXTREMES.map((x) => `${x},${x}`), ...EXTREMES.map((x) => `${x},1,0`), `${EXTREMES.join(',')}`, Array(11).fill('1e308').join(','), '1e308,-1e308'];
    for (const key of keys) {
      for (const raw of [...EXTREMES, ...lists]) {
        const query = `${key}=${encodeURIComponent(raw)}`;
        try {
          const { state, messages } = parseLab(query);
          const problems = stateProblems(state);
          const nan = panelNumbers(state).filter((v) => Number.isNaN(v));
          if (problems.length || nan.length) failures.push(`${query}: ${problems.join('; ')} ${nan.length} NaN`);
          for (const m of messages) if (m.key === key && !m.text.includes(`using ${m.used}.`)) failures.push(`${query}: message without the value used`);
        } catch (error) {
          failures.push(`${query}: threw ${String(error)}`);
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('survives random links built from extreme numbers, with states inside every bound', () => {
    const random = makeRandom(2024);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const failures: string[] = [];
    for (let trial = 0; trial < 600; trial++) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
        const spec = pick(LAB_SPECS);
        const count = spec.kind === 'dist' || spec.kind === 'tuple' ? 1 + Math.floor(random() * 12) : 1;
        return `${spec.key}=${Array.from({ length: count }, () => pick(EXTREMES)).join(',')}`;
      });
      const query = parts.join('&');
      try {
        const { state } = parseLab(query);
        const problems = stateProblems(state);
        if (problems.length || panelNumbers(state).some((v) => Number.isNaN(v))) failures.push(`${query}: ${problems.join('; ')}`);
      } catch (error) {
        failures.push(`${query}: threw ${String(error)}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});

describe('serializeLab', () => {
  it('writes the panel and only the non-default values', () => {
    expect(serializeLab(defaultLabState())).toBe('panel=entropy');
    const state = { ...defaultLabState(), panel: 'kl' as const, unit: 'nats' as const, p: [0.4, 0.6], q: [0.5, 0.5] };
    expect(serializeLab(state)).toBe('panel=kl&unit=nats&p=0.4,0.6&q=0.5,0.5');
  });

  it('round-trips random states without messages', () => {
    const random = makeRandom(11);
    for (let trial = 0; trial < 500; trial++) {
      const n = 2 + Math.floor(random() * 9);
      const weights = (k: number) => {
        const raw = Array.from({ length: k }, () => (random() < 0.2 ? 0 : random()));
        if (!raw.some((v) => v > 0)) raw[0] = 1;
        const sum = raw.reduce((a, b) => a + b, 0);
        return raw.map((v) => v / sum);
      };
      const state: LabState = {
        ...defaultLabState(),
        panel: PANELS[Math.floor(random() * PANELS.length)],
        unit: random() < 0.5 ? 'bits' : 'nats',
        p: weights(n),
        q: weights(n),
        m1: -5 + 10 * random(),
        s1: 0.1 + 4.9 * random(),
        g1: [-4 + 8 * random(), 0, 0.2 + random(), 1, -0.95 + 1.9 * random()],
        img: Math.floor(random() * 2000),
        w: 0.05 + 0.9 * random(),
      };
      const { state: back, messages } = parseLab(serializeLab(state));
      expect(messages).toEqual([]);
      expect(back.panel).toBe(state.panel);
      back.p.forEach((v, i) => expect(v).toBeCloseTo(state.p[i], 7));
      expect(back.m1).toBeCloseTo(state.m1, 7);
      expect(back.img).toBe(state.img);
      expect(serializeLab(back)).toBe(serializeLab(state));
    }
  });
});
