/** The session's "Evaluate now": pause, measure, progress, exactly one reply. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './setup-tf';
import { tinyData } from './tiny-data';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../src/lib/config/types';
import { TrainingSession } from '../../src/lib/training/session';
import type { FromWorker } from '../../src/lib/training/protocol';

beforeAll(async () => {
  await useCpuBackend();
});

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

const replies = (sent: FromWorker[], requestId: number) => sent.filter((m) => 'requestId' in m && m.requestId === requestId && m.type !== 'evaluate-progress');

describe('evaluate request', () => {
  it('pauses a running session, then measures the weights of one step: the test numbers, the bound, progress, one reply', async () => {
    let evaluateSent = false;
    const { session, sent } = makeSession((message, s) => {
      // Once a few steps have landed, press "Evaluate now" while training runs.
      if (!evaluateSent && message.type === 'metrics' && message.steps.at(-1)!.step >= 3) {
        evaluateSent = true;
        s.receive({ type: 'evaluate', requestId: 7, k: 5 });
      }
    });
    session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
    session.receive({ type: 'play' });
    await session.idle();
    expect(session.inspect.running).toBe(false);
    const [reply] = replies(sent, 7);
    expect(replies(sent, 7)).toHaveLength(1);
    if (reply.type !== 'evaluated') throw new Error(`expected an evaluation, got ${JSON.stringify(reply)}`);
    const { metrics, iwae } = reply.evaluation;
    // The weights evaluated are the weights the session stopped at.
    expect(metrics.step).toBe(session.inspect.step);
    const manual = sent.filter((m) => m.type === 'eval' && m.reason === 'manual');
    expect(manual).toHaveLength(1);
    expect(manual[0].type === 'eval' && manual[0].metrics).toEqual(metrics);
    expect(iwae.k).toBe(5);
    expect(iwae.images).toBe(40);
    expect(iwae.negLogPx).toBeLessThanOrEqual(iwae.negElboSampled);
    // 2048 rows / 5 samples: one chunk of all 40 images.
    const progress = sent.filter((m) => m.type === 'evaluate-progress');
    expect(progress.map((m) => m.type === 'evaluate-progress' && [m.requestId, m.done, m.total])).toEqual([[7, 40, 40]]);
    // It told the page training stopped, before the evaluation began.
    const stopped = sent.findIndex((m) => m.type === 'running' && !m.running);
    expect(stopped).toBeGreaterThanOrEqual(0);
    expect(stopped).toBeLessThan(sent.indexOf(manual[0]));
    session.dispose();
  });

  it('a cancel sent while it runs stops it with request-failed; a bad K is refused; without a model it fails', async () => {
    const { session, sent } = makeSession((message, s) => {
      if (message.type === 'evaluate-progress' && message.done === 10) s.receive({ type: 'cancel-evaluate' });
    });
    session.receive({ type: 'evaluate', requestId: 1, k: 5 });
    await session.idle();
    expect(replies(sent, 1)).toEqual([expect.objectContaining({ type: 'request-failed', message: 'there is no model to evaluate yet' })]);
    session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
    session.receive({ type: 'evaluate', requestId: 2, k: 200 });
    await session.idle();
    expect(replies(sent, 2)).toEqual([expect.objectContaining({ type: 'request-failed', message: 'the evaluation was cancelled' })]);
    expect(sent.filter((m) => m.type === 'evaluate-progress').length).toBe(1);
    session.receive({ type: 'evaluate', requestId: 3, k: 0 });
    await session.idle();
    expect(replies(sent, 3)).toEqual([expect.objectContaining({ type: 'request-failed', message: 'K must be a whole number from 1 to 1,000.' })]);
    // A cancel with nothing to cancel does nothing; the next evaluation runs to the end.
    session.receive({ type: 'cancel-evaluate' });
    session.receive({ type: 'evaluate', requestId: 4, k: 3 });
    await session.idle();
    expect(replies(sent, 4)).toEqual([expect.objectContaining({ type: 'evaluated' })]);
    session.dispose();
  });
});
