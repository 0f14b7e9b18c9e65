/** A CSV of x,y[,label] rows as a 2-D data set: read, standardised, split with the seed, trained on like the built-in point sets. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './setup-tf';
import { readUpload, type InputFile } from '../../src/lib/data/custom/read-upload';
import { customSetId, datasetOf, splitCustom, summaryText, type CustomSet } from '../../src/lib/data/custom/custom-set';
import { scalingText, standardise } from '../../src/lib/data/custom/points';
import { shareableQuery, withoutUpload } from '../../src/lib/data/custom/link';
import { parseConfig, reconcileConfig } from '../../src/lib/config/url';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../src/lib/config/types';
import { featuresOf } from '../../src/lib/data/points2d';
import { reconTermOf } from '../../src/lib/model/recon-term';
import { loaderSession } from './loader-session';

beforeAll(async () => {
  await useCpuBackend();
});

const file = (name: string, text: string): InputFile => {
  const data = new TextEncoder().encode(text);
  return { name, size: data.length, bytes: async () => data };
};
const noImages = async () => {
  throw new Error('no images here');
};

/** 40 points far from the origin in big units: two clusters, labelled. */
const CSV = ['x,y,label', ...Array.from({ length: 40 }, (_, i) => `${1000 + (i % 2) * 300 + i},${-500 + (i % 5) * 10},${i % 2 ? 'b' : 'a'}`)].join('\n');

async function readPoints(text: string, name = 'pts.csv'): Promise<CustomSet> {
  const result = await readUpload([file(name, text)], false, noImages);
  if (result.kind !== 'set') throw new Error(JSON.stringify(result));
  return result.set;
}

async function problemOf(text: string, name = 'pts.csv') {
  const result = await readUpload([file(name, text)], false, noImages);
  return result.kind === 'failed' ? result.problems[0] : null;
}

describe('a points CSV becomes a 2-D data set', () => {
  it('is read as dataset custom-points: 2 values per row, labels from the third column', async () => {
    const set = await readPoints(CSV);
    expect([set.count, set.features, set.classNames, datasetOf(set)]).toEqual([40, 2, ['a', 'b'], 'custom-points']);
    expect(Array.from(set.labels.slice(0, 4))).toEqual([0, 1, 0, 1]);
    expect(summaryText(set)).toBe('40 points in 2 classes: 32 train, 8 test');
    expect(set.id).toBe(customSetId(set));
    expect(set.id).toMatch(/-2d$/);
  });

  it('is centred and scaled to unit spread, keeping its shape; the scaling is recorded and said in words', async () => {
    const set = await readPoints(CSV);
    const xs = Array.from({ length: 40 }, (_, i) => set.images[2 * i]);
    const ys = Array.from({ length: 40 }, (_, i) => set.images[2 * i + 1]);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(xs)).toBeCloseTo(0, 5);
    expect(mean(ys)).toBeCloseTo(0, 5);
    expect(mean([...xs.map((x) => x * x), ...ys.map((y) => y * y)])).toBeCloseTo(1, 5); // unit spread, pooled over both axes
    // One common divisor: distances keep their ratios (a circle stays a circle).
    const raw = CSV.split('\n').slice(1).map((l) => l.split(',').map(Number));
    const ratio = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
    expect(ratio([xs[0], ys[0]], [xs[1], ys[1]]) / ratio([xs[0], ys[0]], [xs[2], ys[2]])).toBeCloseTo(ratio(raw[0], raw[1]) / ratio(raw[0], raw[2]), 4);
    expect(set.scaling!.centre[0]).toBeCloseTo(mean(raw.map((r) => r[0])), 6);
    expect(scalingText(set.scaling!)).toMatch(/^Centred on \(1,170, −480\) and divided by \d+(\.\d+)?, so the points have unit spread; the plot shows the scaled values\.$/);
    // Precision survives large offsets: the parser keeps doubles until after centring.
    const big = standardise(Float64Array.from([1e9, 0, 1e9 + 1, 0, 1e9 + 2, 0]));
    expect(Array.from(big.values.filter((_, i) => i % 2 === 0))).toEqual([-Math.sqrt(3), 0, Math.sqrt(3)].map((v) => Math.fround(v)));
  });

  it('splits 80/20 with the seed by the one split the images use: same seed, same split; 2 values per row', async () => {
    const set = await readPoints(CSV);
    const data = splitCustom(set, 42);
    expect([data.name, data.features, data.trainCount, data.testCount]).toEqual(['custom-points', 2, 32, 8]);
    expect([data.trainImages.length, data.testImages.length]).toEqual([64, 16]);
    expect(splitCustom(set, 42).testImages).toEqual(data.testImages);
    expect(splitCustom(set, 7).testImages).not.toEqual(data.testImages);
    // Every point once, in train or test.
    const key = (v: Float32Array, i: number) => `${v[2 * i]},${v[2 * i + 1]}`;
    const all = [...Array.from({ length: 32 }, (_, i) => key(data.trainImages, i)), ...Array.from({ length: 8 }, (_, i) => key(data.testImages, i))].sort();
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => key(set.images, i)).sort());
  });

  it('refuses too few rows, identical points, non-numbers and ragged rows, naming the file and line', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i},${i * i}`).join('\n');
    expect(await problemOf(rows(9), 'few.csv')).toEqual({ file: 'few.csv', message: 'holds 9 points; a set needs at least 10, so that a fifth can be kept for testing' });
    expect(await problemOf(Array.from({ length: 12 }, () => '3,4').join('\n'), 'same.csv')).toEqual({ file: 'same.csv', message: 'every point is the same, so there is no shape to learn' });
    expect(await problemOf(`${rows(10)}\n1,NaN`, 'nan.csv')).toEqual({ file: 'nan.csv', line: 11, message: 'value 2 ("NaN") is not a number' });
    expect(await problemOf(`${rows(10)}\n1,Infinity`, 'inf.csv')).toEqual({ file: 'inf.csv', line: 11, message: 'value 2 ("Infinity") is not a number' });
    expect(await problemOf(`${rows(10)}\n1,1e400`, 'huge.csv')).toEqual({ file: 'huge.csv', line: 11, message: 'value 2 ("1e400") is not a number' });
    expect(await problemOf(`${rows(3)}\n1,2,a,4`, 'ragged.csv')).toEqual({ file: 'ragged.csv', line: 4, message: 'found 4 values, but line 1 has 2; every row needs the same number' });
    expect(await problemOf(`0,0\n${'1e200,1e200\n'.repeat(10)}`, 'vast.csv')).toEqual({ file: 'vast.csv', message: 'its values are too large to work with (beyond about ±10^150)' });
  });
});

describe('custom-points in the config, the loss and links', () => {
  it('has 2 features and the Gaussian decoder; `recon` does not apply', () => {
    const config: PlaygroundConfig = { ...DEFAULT_CONFIG, data: 'custom-points' };
    expect(featuresOf('custom-points')).toBe(2);
    expect(reconTermOf(config)).toBe('gaussian');
    expect(reconcileConfig({ ...config, recon: 'mse' }).config.recon).toBe(DEFAULT_CONFIG.recon);
  });

  it('cannot travel in a link: a link opens on the moons with a message, Copy link writes moons and says so', () => {
    const parsed = parseConfig('data=custom-points&hidden=64');
    expect(parsed.config.data).toBe('custom-points');
    const fixed = withoutUpload(parsed, null);
    expect(fixed.config.data).toBe('moons');
    expect(fixed.messages[0].text).toMatch(/uploaded points, which cannot travel in a link: it opens with the moons point set instead/);
    expect(withoutUpload(parsed, 'custom-points')).toBe(parsed);
    expect(withoutUpload(parsed, 'custom').config.data).toBe('moons'); // images in the tab are not the points asked for
    expect(shareableQuery({ ...DEFAULT_CONFIG, data: 'custom-points', hidden: [64] })).toEqual({
      query: 'data=moons&hidden=64',
      note: 'Your uploaded points cannot travel in a link: it opens with the moons point set.',
      short: 'with the moons in place of your points',
    });
  });
});

describe('the session trains on uploaded points', () => {
  it('without the points, init says what to do; with them, it trains a 2-wide model and sends the test points', async () => {
    const { session, sent } = loaderSession();
    const config: PlaygroundConfig = { ...DEFAULT_CONFIG, data: 'custom-points', hidden: [8], batch: 16, seed: 3, backend: 'cpu' };
    session.receive({ type: 'init', generation: 1, config, dataUrl: '' });
    await session.idle();
    const error = sent.find((m) => m.type === 'error');
    expect(error?.type === 'error' && error.message).toMatch(/your own points are not loaded in this tab/);

    const data = splitCustom(await readPoints(CSV), config.seed);
    session.receive({ type: 'custom-data', data });
    session.receive({ type: 'init', generation: 2, config, dataUrl: '' });
    session.receive({ type: 'step', count: 2 });
    await session.idle();
    const ready = sent.find((m) => m.type === 'ready');
    if (ready?.type !== 'ready') throw new Error('no ready');
    expect([ready.features, ready.trainCount, ready.testCount, ready.stepsPerEpoch, ready.classNames]).toEqual([2, 32, 8, 2, ['a', 'b']]);
    expect(ready.testPoints).toEqual(data.testImages);
    const steps = sent.flatMap((m) => (m.type === 'metrics' ? m.steps : []));
    expect(steps.at(-1)?.step).toBe(2);
    expect(steps.every((s) => Number.isFinite(s.recon))).toBe(true);
    session.dispose();
  });
});
