/** The worker's `probe-pixels` request: a drawing probed through the same code path as a test image. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './setup-tf';
import { tinyData } from './tiny-data';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../src/lib/config/types';
import { TrainingSession } from '../../src/lib/training/session';
import type { FromWorker } from '../../src/lib/training/protocol';
import { PIXELS } from '../../src/lib/data/pack';

const CONFIG: PlaygroundConfig = { ...DEFAULT_CONFIG, hidden: [8], latent: 2, batch: 16, seed: 3, backend: 'cpu', opt: 'sgd', lr: 1e-4 };
const data = tinyData(48, 16);
const sent: FromWorker[] = [];
let session: TrainingSession;

beforeAll(async () => {
  await useCpuBackend();
  session = new TrainingSession({
    send: (message) => void sent.push(message),
    loadData: async () => data,
    startBackend: async () => ({ backend: 'cpu', notes: [] }),
    fallbackBackend: async () => 'cpu',
    watchBackend: () => {},
    nextTask: () => new Promise((resolve) => setImmediate(resolve)),
  });
  session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
  session.receive({ type: 'step', count: 3 });
  await session.idle();
});

afterAll(() => session.dispose());

function reply(requestId: number) {
  const found = sent.filter((m) => 'requestId' in m && m.requestId === requestId);
  expect(found, `replies to request ${requestId}`).toHaveLength(1);
  return found[0];
}

describe('probe-pixels', () => {
  it('gives the same numbers as probing the same image as a test image, and leaks no tensor', async () => {
    const index = 5;
    const pixels = data.testImages.slice(index * PIXELS, (index + 1) * PIXELS);
    // Warm up (the cpu backend may cache kernels), then count.
    session.receive({ type: 'probe-pixels', requestId: 100, pixels, hint: null });
    await session.idle();
    const before = tf.memory().numTensors;
    session.receive({ type: 'probe-pixels', requestId: 101, pixels, hint: null });
    session.receive({ type: 'probe', requestId: 102, index, hint: null });
    await session.idle();
    expect(tf.memory().numTensors).toBe(before);
    const drawn = reply(101);
    const test = reply(102);
    if (drawn.type !== 'probed' || test.type !== 'probed') throw new Error(`unexpected replies ${drawn.type}, ${test.type}`);
    expect(drawn.result.image.index).toBe(-1);
    expect(drawn.result.image.label).toBe(-1);
    expect(Array.from(drawn.result.image.pixels)).toEqual(Array.from(pixels));
    expect(drawn.result.image.mu).toEqual(test.result.image.mu);
    expect(drawn.result.image.logVar).toEqual(test.result.image.logVar);
    const a = drawn.result.grid!;
    const b = test.result.grid!;
    expect(a.logPx).toBe(b.logPx);
    expect(a.elbo).toBe(b.elbo);
    expect(a.gap).toBe(b.gap);
    expect([a.logPx, a.elbo, a.gap].every(Number.isFinite)).toBe(true);
    expect(a.gap).toBeGreaterThanOrEqual(0);
  });

  it('refuses bad pixels with request-failed and a clear message, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const nan = new Float32Array(PIXELS);
    nan[10] = NaN;
    const bright = new Float32Array(PIXELS);
    bright[3] = 2;
    session.receive({ type: 'probe-pixels', requestId: 301, pixels: nan, hint: null });
    session.receive({ type: 'probe-pixels', requestId: 302, pixels: new Float32Array(100), hint: null });
    session.receive({ type: 'probe-pixels', requestId: 303, pixels: bright, hint: null });
    session.receive({ type: 'probe-pixels', requestId: 304, pixels: [0.5] as unknown as Float32Array, hint: null });
    await session.idle();
    expect(reply(301)).toMatchObject({ type: 'request-failed', message: 'pixel 10 is not a finite number' });
    expect(reply(302)).toMatchObject({ type: 'request-failed', message: 'the image must have 784 pixels (28×28), not 100' });
    expect(reply(303)).toMatchObject({ type: 'request-failed', message: 'pixel 3 is 2, outside [0, 1]' });
    expect(reply(304)).toMatchObject({ type: 'request-failed' });
    expect(tf.memory().numTensors).toBe(before);
    expect(sent.some((m) => m.type === 'error')).toBe(false);
  });
});
