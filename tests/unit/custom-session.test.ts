/** Uploaded data in the engine and in links: the session trains on a set sent to it; links never carry one. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './setup-tf';
import { tinyData } from './tiny-data';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../src/lib/config/types';
import { TrainingSession } from '../../src/lib/training/session';
import { loadTrainingData } from '../../src/lib/training/data-loader';
import type { FromWorker } from '../../src/lib/training/protocol';
import { parseConfig } from '../../src/lib/config/url';
import { CUSTOM_LINK_MESSAGE, shareableQuery, withoutUpload } from '../../src/lib/data/custom/link';

beforeAll(async () => {
  await useCpuBackend();
});

const CONFIG: PlaygroundConfig = { ...DEFAULT_CONFIG, data: 'custom', hidden: [8], latent: 2, batch: 16, seed: 3, backend: 'cpu' };

function makeSession() {
  const sent: FromWorker[] = [];
  const session = new TrainingSession({
    send: (message) => void sent.push(message),
    // The real loader for `custom` (it has nothing to load); small data for the rest.
    loadData: async (name, url, progress, seed) => (name === 'custom' ? loadTrainingData(name, url, progress, seed) : tinyData(48, 16)),
    startBackend: async () => ({ backend: 'cpu', notes: [] }),
    fallbackBackend: async () => 'cpu',
    watchBackend: () => {},
    nextTask: () => new Promise((resolve) => setImmediate(resolve)),
  });
  return { session, sent };
}

describe('the session and uploaded data', () => {
  it('without an upload, a model on `custom` fails with a message saying what to do', async () => {
    const { session, sent } = makeSession();
    session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
    await session.idle();
    const error = sent.find((m) => m.type === 'error');
    expect(error && error.type === 'error' ? error.message : null).toMatch(/your own images are not loaded in this tab/);
    expect(sent.some((m) => m.type === 'ready')).toBe(false);
    session.dispose();
  });

  it('a `custom-data` message, then init: the model trains on that set, its test codes and class names with it', async () => {
    const { session, sent } = makeSession();
    const upload = { ...tinyData(32, 8), name: 'custom', classNames: ['bar', 'ring'] };
    session.receive({ type: 'custom-data', data: upload });
    session.receive({ type: 'init', generation: 1, config: CONFIG, dataUrl: '' });
    session.receive({ type: 'step', count: 2 });
    await session.idle();
    const ready = sent.find((m) => m.type === 'ready');
    expect(ready && ready.type === 'ready' ? [ready.trainCount, ready.testCount, ready.classNames, ready.stepsPerEpoch] : null).toEqual([32, 8, ['bar', 'ring'], 2]);
    const evals = sent.filter((m) => m.type === 'eval');
    expect(evals.length).toBeGreaterThan(0);
    expect(evals.at(-1)!.type === 'eval' && evals.at(-1)!.means.length).toBe(8 * 2);
    expect(sent.filter((m) => m.type === 'metrics').flatMap((m) => (m.type === 'metrics' ? m.steps : [])).at(-1)?.step).toBe(2);
    session.dispose();
  });
});

describe('links and uploaded data', () => {
  it('a link with data=custom and no upload opens on MNIST with a message; with an upload in the tab it is kept', () => {
    const parsed = parseConfig('data=custom&latent=3');
    expect(parsed.config.data).toBe('custom');
    const fixed = withoutUpload(parsed, null);
    expect(fixed.config).toEqual({ ...parsed.config, data: 'mnist' });
    expect(fixed.messages).toEqual([{ key: 'data', problem: 'not shareable', used: 'mnist', text: CUSTOM_LINK_MESSAGE }]);
    expect(withoutUpload(parsed, 'custom')).toBe(parsed);
    expect(withoutUpload(parsed, 'custom-points').config.data).toBe('mnist'); // points in the tab are not the images asked for
    expect(withoutUpload(parseConfig('data=shapes'), null).messages).toEqual([]);
  });

  it('Copy link writes MNIST in place of uploaded data and says so', () => {
    expect(shareableQuery({ ...DEFAULT_CONFIG, data: 'custom', latent: 3 })).toEqual({ query: 'latent=3', note: expect.stringContaining('cannot travel in a link'), short: 'with MNIST in place of your images' });
    expect(shareableQuery({ ...DEFAULT_CONFIG, data: 'shapes' })).toEqual({ query: 'data=shapes', note: null, short: null });
  });
});
