/** The session's β sweep: one fresh model per β beside the current one, a point each, one reply, cancel keeps what finished. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './setup-tf';
import { tinyData } from './tiny-data';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../src/lib/config/types';
import { TrainingSession } from '../../src/lib/training/session';
import type { FromWorker } from '../../src/lib/training/protocol';
import type { SweepPoint } from '../../src/lib/training/sweep';

beforeAll(async () => {
  await useCpuBackend();
});

// 48 training images in batches of 16: 3 steps per epoch.
const CONFIG: PlaygroundConfig = { ...DEFAULT_CONFIG, hidden: [8], latent: 2, batch: 16, seed: 3, backend: 'cpu' };

function makeSession(onSend: (message: FromWorker, session: TrainingSession) => void = () => {}) {
  const sent: FromWorker[] = [];
  const session: TrainingSession = new TrainingSession({
    send: (message) => {
      sent.push(message);
      onSend(message, session);
    },
    loadData: async () => tinyData(48, 40),
    startBackend: async () => ({ backend: 'cpu', notes: [] }),
    fallbackBackend: async () => 'cpu',
    watchBackend: () => {},
    nextTask: () => new Promise((resolve) => setImmediate(resolve)),
  });
  return { session, sent };
}

const replies = (sent: FromWorker[], requestId: number) =>
  sent.filter((m) => 'requestId' in m && m.requestId === requestId && !['sweep-progress', 'sweep-point', 'evaluate-progress'].includes(m.type));
const points = (sent: FromWorker[]): SweepPoint[] => sent.flatMap((m) => (m.type === 'sweep-point' ? [m.point] : []));

async function weights(session: TrainingSession, sent: FromWorker[], requestId: number): Promise<number[]> {
  session.receive({ type: 'snapshot', requestId, withOptimizer: true });
  await session.idle();
  const reply = replies(sent, requestId)[0];
  if (reply?.type !== 'snapshot') throw new Error('no snapshot');
  return [reply.checkpoint.step, ...reply.checkpoint.layers.flatMap((l) => [...l.weights, ...l.bias]), ...(reply.checkpoint.optimizer?.slots.flatMap((s) => [...s]) ?? [])];
}

describe('sweep request', () => {
  it('three βs give three points in order, then one reply; the current model is untouched and the tensor count returns', async () => {
    const { session, sent } = makeSession();
    session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
    session.receive({ type: 'step', count: 3 });
    await session.idle();
    // The current model after one epoch, measured like the sweep measures its models.
    session.receive({ type: 'evaluate', requestId: 1, k: 1 });
    await session.idle();
    const evaluated = replies(sent, 1)[0];
    if (evaluated.type !== 'evaluated') throw new Error('no evaluation');
    const before = await weights(session, sent, 2);
    const baseline = tf.memory().numTensors;

    session.receive({ type: 'sweep', requestId: 3, betas: [0.5, CONFIG.beta, 4], epochs: 1 });
    await session.idle();

    expect(replies(sent, 3)).toEqual([expect.objectContaining({ type: 'swept', summary: { completed: 3, cancelled: false } })]);
    const swept = points(sent);
    expect(swept.map((p) => [p.index, p.beta])).toEqual([[0, 0.5], [1, 1], [2, 4]]);
    for (const p of swept) {
      expect(p.steps.map((s) => s.step)).toEqual([1, 2, 3]);
      expect(p.steps.every((s) => s.beta === p.beta)).toBe(true);
      expect(p.evals).toHaveLength(1);
      expect(p.test).toEqual(p.evals[0]);
      expect(p.test.step).toBe(3);
    }
    // Same settings and seed, only β differs: the point at the run's own β is the run itself.
    expect(swept[1].test.recon).toBe(evaluated.evaluation.metrics.recon);
    expect(swept[1].test.kl).toBe(evaluated.evaluation.metrics.kl);
    // A heavier KL weight buys a smaller KL.
    expect(swept[2].test.kl).toBeLessThan(swept[0].test.kl);
    // The last point went out before the reply; progress reached every step.
    const order = sent.filter((m) => 'requestId' in m && m.requestId === 3).map((m) => m.type);
    expect(order.at(-1)).toBe('swept');
    const progress = sent.flatMap((m) => (m.type === 'sweep-progress' ? [m.progress] : []));
    expect(progress.at(-1)).toMatchObject({ stepsDone: 9, stepsTotal: 9, count: 3 });

    expect(tf.memory().numTensors).toBe(baseline);
    expect(await weights(session, sent, 4)).toEqual(before);
    expect(session.inspect.step).toBe(3);
    session.dispose();
  });

  it('pauses a running session first; a cancel keeps the finished βs and drops the unfinished one, tensors back to baseline', async () => {
    let baseline = -1;
    let sweepSent = false;
    const { session, sent } = makeSession((message, s) => {
      if (!sweepSent && message.type === 'metrics' && message.steps.at(-1)!.step >= 2) {
        sweepSent = true;
        s.receive({ type: 'sweep', requestId: 9, betas: [0.1, 1, 8], epochs: 2 });
      }
      // The count when the sweep begins: training has just been paused.
      if (sweepSent && baseline < 0 && message.type === 'running' && !message.running) baseline = tf.memory().numTensors;
      // Cancel while the second β is half-way.
      if (message.type === 'sweep-progress' && message.progress.index === 1 && message.progress.epoch === 2) s.receive({ type: 'cancel-sweep' });
    });
    session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
    session.receive({ type: 'play' });
    await session.idle();

    expect(session.inspect.running).toBe(false);
    const stopped = sent.findIndex((m) => m.type === 'running' && !m.running);
    const firstProgress = sent.findIndex((m) => m.type === 'sweep-progress');
    expect(stopped).toBeGreaterThanOrEqual(0);
    expect(stopped).toBeLessThan(firstProgress);
    expect(replies(sent, 9)).toEqual([expect.objectContaining({ type: 'swept', summary: { completed: 1, cancelled: true } })]);
    expect(points(sent).map((p) => p.beta)).toEqual([0.1]);
    expect(points(sent)[0].evals.map((e) => e.epoch)).toEqual([1, 2]);
    expect(tf.memory().numTensors).toBe(baseline);

    // A cancel with nothing to cancel does nothing; the next sweep runs to the end.
    session.receive({ type: 'cancel-sweep' });
    session.receive({ type: 'sweep', requestId: 10, betas: [2], epochs: 1 });
    await session.idle();
    expect(replies(sent, 10)).toEqual([expect.objectContaining({ type: 'swept', summary: { completed: 1, cancelled: false } })]);
    expect(tf.memory().numTensors).toBe(baseline);
    session.dispose();
  });

  it('a new model stops a sweep (one reply, finished points kept); bad requests and a missing model fail cleanly', async () => {
    const { session, sent } = makeSession((message, s) => {
      if (message.type === 'sweep-point' && message.requestId === 2) s.receive({ type: 'init', generation: 2, config: CONFIG, dataUrl: '' });
    });
    session.receive({ type: 'sweep', requestId: 1, betas: [1], epochs: 1 });
    await session.idle();
    expect(replies(sent, 1)).toEqual([expect.objectContaining({ type: 'request-failed', message: 'there is no model to sweep from yet' })]);

    session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
    session.receive({ type: 'sweep', requestId: 2, betas: [0.3, 3], epochs: 1 });
    await session.idle();
    expect(replies(sent, 2)).toEqual([expect.objectContaining({ type: 'swept', summary: { completed: 1, cancelled: true } })]);
    expect(session.inspect.generation).toBe(2);

    session.receive({ type: 'sweep', requestId: 3, betas: [], epochs: 1 });
    session.receive({ type: 'sweep', requestId: 4, betas: [1, 80], epochs: 1 });
    session.receive({ type: 'sweep', requestId: 5, betas: [1], epochs: 0 });
    await session.idle();
    expect(replies(sent, 3)).toEqual([expect.objectContaining({ type: 'request-failed', message: 'a sweep needs at least one β' })]);
    expect(replies(sent, 4)).toEqual([expect.objectContaining({ type: 'request-failed', message: 'β = 80 is outside 0–50' })]);
    expect(replies(sent, 5)).toEqual([expect.objectContaining({ type: 'request-failed', message: 'Epochs per value must be a whole number from 1 to 20.' })]);
    session.dispose();
  });
});
