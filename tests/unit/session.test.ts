/** Targeted TrainingSession cases the model-based test reaches only by chance. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './setup-tf';
import { tinyData } from './tiny-data';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../src/lib/config/types';
import { TrainingSession } from '../../src/lib/training/session';
import type { FromWorker } from '../../src/lib/training/protocol';

beforeAll(async () => {
  await useCpuBackend();
});

const CONFIG: PlaygroundConfig = { ...DEFAULT_CONFIG, hidden: [8], latent: 2, batch: 16, seed: 3, backend: 'cpu', opt: 'sgd', lr: 1e-4 };
const LIVE = { recon: CONFIG.recon, beta: CONFIG.beta, warmup: CONFIG.warmup, lr: CONFIG.lr };

function makeSession(onSend: (message: FromWorker, session: TrainingSession) => void = () => {}) {
  const sent: FromWorker[] = [];
  const session: TrainingSession = new TrainingSession({
    send: (message) => {
      sent.push(message);
      onSend(message, session);
    },
    loadData: async () => tinyData(48, 16),
    startBackend: async () => ({ backend: 'cpu', notes: [] }),
    fallbackBackend: async () => 'cpu',
    watchBackend: () => {},
    nextTask: () => new Promise((resolve) => setImmediate(resolve)),
  });
  return { session, sent };
}

describe('TrainingSession', () => {
  it('a blow-up goes back to weights that gave a healthy loss, not to the checkpoint its own bad step produced', async () => {
    const { session, sent } = makeSession();
    session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
    session.receive({ type: 'step', count: 5 });
    await session.idle();
    // One step with a wild learning rate: its reported loss is still that of the good weights (step 5),
    // but the weights it leaves (step 6, checkpointed when training stops) are ruined.
    session.receive({ type: 'live', settings: { ...LIVE, lr: 1e4 } });
    session.receive({ type: 'step', count: 1 });
    await session.idle();
    expect(sent.some((m) => m.type === 'rolled-back')).toBe(false);
    session.receive({ type: 'live', settings: LIVE });
    session.receive({ type: 'step', count: 1 });
    await session.idle();
    const rolledBack = sent.find((m) => m.type === 'rolled-back');
    expect(rolledBack && rolledBack.type === 'rolled-back' ? rolledBack.position.step : null).toBe(5);
    // From there training is sane again.
    session.receive({ type: 'step', count: 2 });
    await session.idle();
    const last = sent.filter((m) => m.type === 'metrics').flatMap((m) => (m.type === 'metrics' ? m.steps : [])).at(-1)!;
    expect(last.step).toBe(7);
    expect(last.recon + last.kl).toBeLessThan(1000);
    session.dispose();
  });

  it('a loss read that fails stops the run with its message and does not block later messages', async () => {
    const { session, sent } = makeSession();
    session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
    await session.idle();
    // Make the next read-back fail, as a backend can.
    const original = tf.Tensor.prototype.data;
    let failures = 0;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      if (failures === 0 && this.shape.length === 1 && this.shape[0] === 3) {
        failures++;
        return Promise.reject(new Error('read failed'));
      }
      return original.call(this) as never;
    } as typeof original;
    try {
      session.receive({ type: 'step', count: 1 });
      await session.idle();
    } finally {
      tf.Tensor.prototype.data = original;
    }
    expect(sent.find((m) => m.type === 'error')).toMatchObject({ message: 'read failed' });
    session.receive({ type: 'snapshot', requestId: 1, withOptimizer: false });
    session.receive({ type: 'step', count: 1 });
    await session.idle();
    expect(sent.find((m) => m.type === 'snapshot')).toBeTruthy();
    expect(sent.filter((m) => m.type === 'error')).toHaveLength(1);
    session.dispose();
  });

  it('a device lost just after a restore replied: one reply, and the run carries on from the restored step', async () => {
    let lose = true;
    const { session, sent } = makeSession((message, self) => {
      // The GPU goes away while the restore is still publishing its weights.
      if (message.type === 'restored' && lose) {
        lose = false;
        self.backendLost();
      }
    });
    session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
    session.receive({ type: 'step', count: 4 });
    await session.idle(); // queued steps run once no message is waiting
    session.receive({ type: 'snapshot', requestId: 1, withOptimizer: true });
    await session.idle();
    const saved = sent.find((m) => m.type === 'snapshot');
    if (saved?.type !== 'snapshot') throw new Error('no snapshot');
    session.receive({ type: 'step', count: 3 });
    await session.idle();
    session.receive({ type: 'restore', requestId: 2, checkpoint: saved.checkpoint });
    await session.idle();
    expect(sent.filter((m) => m.type === 'restored')).toHaveLength(1);
    const moved = sent.find((m) => m.type === 'backend-changed');
    expect(moved?.type === 'backend-changed' ? moved.position.step : null).toBe(4);
    session.receive({ type: 'step', count: 1 });
    await session.idle();
    const last = sent.filter((m) => m.type === 'metrics').flatMap((m) => (m.type === 'metrics' ? m.steps : [])).at(-1)!;
    expect(last.step).toBe(5);
    session.dispose();
  });
});
