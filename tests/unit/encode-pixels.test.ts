/** The worker's `encode-pixels` request: a drawing through the same encode path as a test image. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './setup-tf';
import { tinyData } from './tiny-data';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../src/lib/config/types';
import { TrainingSession } from '../../src/lib/training/session';
import type { FromWorker } from '../../src/lib/training/protocol';
import { pixelsProblem } from '../../src/lib/training/image-pixels';
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

describe('encode-pixels', () => {
  it('encodes a drawing exactly as the same image would be encoded as a test image, and leaks no tensor', async () => {
    const index = 5;
    const pixels = data.testImages.slice(index * PIXELS, (index + 1) * PIXELS);
    const before = tf.memory().numTensors;
    session.receive({ type: 'encode-pixels', requestId: 101, pixels });
    session.receive({ type: 'encode-test', requestId: 102, index });
    await session.idle();
    expect(tf.memory().numTensors).toBe(before);
    const drawn = reply(101);
    const test = reply(102);
    if (drawn.type !== 'encoded-pixels' || test.type !== 'encoded') throw new Error(`unexpected replies ${drawn.type}, ${test.type}`);
    expect(drawn.encoding.mu).toHaveLength(2);
    expect(drawn.encoding.logVar).toHaveLength(2);
    expect(drawn.encoding.reconstruction).toHaveLength(PIXELS);
    expect(drawn.encoding.mu).toEqual(test.image.mu);
    expect(drawn.encoding.logVar).toEqual(test.image.logVar);
    expect(drawn.encoding.recon).toBe(test.image.recon);
    expect(Array.from(drawn.encoding.reconstruction)).toEqual(Array.from(test.image.reconstruction));
    for (const v of [...drawn.encoding.mu, ...drawn.encoding.logVar, drawn.encoding.recon]) expect(Number.isFinite(v)).toBe(true);
  });

  it('a different image gives a different code', async () => {
    const blank = new Float32Array(PIXELS);
    const ink = new Float32Array(PIXELS).fill(1);
    session.receive({ type: 'encode-pixels', requestId: 201, pixels: blank });
    session.receive({ type: 'encode-pixels', requestId: 202, pixels: ink });
    await session.idle();
    const a = reply(201);
    const b = reply(202);
    if (a.type !== 'encoded-pixels' || b.type !== 'encoded-pixels') throw new Error('expected encodings');
    expect(a.encoding.mu).not.toEqual(b.encoding.mu);
  });

  it('refuses bad pixels with a clear message, keeps training state, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const nan = new Float32Array(PIXELS);
    nan[10] = NaN;
    const bright = new Float32Array(PIXELS);
    bright[3] = 2;
    session.receive({ type: 'encode-pixels', requestId: 301, pixels: nan });
    session.receive({ type: 'encode-pixels', requestId: 302, pixels: new Float32Array(100) });
    session.receive({ type: 'encode-pixels', requestId: 303, pixels: bright });
    session.receive({ type: 'encode-pixels', requestId: 304, pixels: [0.5] as unknown as Float32Array });
    await session.idle();
    expect(reply(301)).toMatchObject({ type: 'request-failed', message: 'pixel 10 is not a finite number' });
    expect(reply(302)).toMatchObject({ type: 'request-failed', message: 'the image must have 784 pixels (28×28), not 100' });
    expect(reply(303)).toMatchObject({ type: 'request-failed', message: 'pixel 3 is 2, outside [0, 1]' });
    expect(reply(304)).toMatchObject({ type: 'request-failed' });
    expect(tf.memory().numTensors).toBe(before);
    expect(sent.some((m) => m.type === 'error')).toBe(false);
    expect(pixelsProblem(new Float32Array(PIXELS).fill(0.25))).toBeNull();
  });
});
