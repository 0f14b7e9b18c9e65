import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { RunLibrary, type NewRun } from '../../src/lib/runs/library';
import { RunStore, storageFailure, type SavedRun } from '../../src/lib/state/run-store';
import { packHistory } from '../../src/lib/state/run-history';

// fake-indexeddb: the IndexedDB API in Node, with structured cloning, so typed arrays come back as typed arrays.
const steps = [1, 2, 3].map((step) => ({ step, recon: 200 - step, kl: 3 + step / 10, beta: 1, total: 203 - step * 0.9 }));
const evals = [{ epoch: 1, step: 3, recon: 190.5, kl: 4.25, negElbo: 194.75 }];

function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return { query: 'beta=4', history: packHistory(steps, evals), test: evals[0], thumbnail: 'data:image/png;base64,AAAA', origin: 'manual', ...overrides };
}

describe('RunLibrary (the Runs list)', () => {
  it('round-trips a run: summary, history columns as typed arrays, rename, pin, remove', async () => {
    const library = await RunLibrary.open(new IDBFactory());
    const { record } = await library.add(newRun({ name: 'first' }));
    expect(record).toMatchObject({ name: 'first', query: 'beta=4', steps: 3, test: evals[0], origin: 'manual', pinned: false });
    const back = await library.get(record.id);
    expect(back?.history.step).toBeInstanceOf(Uint32Array);
    expect(Array.from(back!.history.step)).toEqual([1, 2, 3]);
    expect(back!.history.total).toEqual(packHistory(steps, evals).total);
    expect(back!.history.evals).toEqual(evals);
    await library.rename(record.id, 'β = 4, longer');
    await library.setPinned(record.id, true);
    expect((await library.list())[0]).toMatchObject({ id: record.id, name: 'β = 4, longer', pinned: true });
    await library.remove([record.id]);
    expect(await library.list()).toEqual([]);
    expect(await library.history(record.id)).toBeNull();
    library.close();
  });

  it('keeps at most `limit` runs: the oldest unpinned ones go, in the same write', async () => {
    const library = await RunLibrary.open(new IDBFactory());
    const pinned = (await library.add(newRun({ name: 'pinned', pinned: true }), 3)).record;
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { removed } = await library.add(newRun({ name: `run ${i}` }), 3);
      names.push(...removed.map((r) => r.name));
    }
    expect(names).toEqual(['run 0', 'run 1']);
    const left = (await library.list()).map((r) => r.name).sort();
    expect(left).toEqual(['pinned', 'run 2', 'run 3']);
    expect(await library.history(pinned.id)).not.toBeNull();
    library.close();
  });
});

describe('RunStore (the autosaved run)', () => {
  it('round-trips weights, optimizer state and history exactly', async () => {
    const store = await RunStore.open(new IDBFactory());
    const run: SavedRun = {
      id: 'page-1',
      updatedAt: 1000,
      step: 3,
      epoch: 0,
      query: 'beta=4',
      checkpoint: {
        step: 3,
        layers: [{ inputs: 2, outputs: 3, act: 'relu', weights: Float32Array.from([0.1, -0.2, 0.3, 1e-8, 5, -6]), bias: Float32Array.from([0, 1, 2]) }],
        optimizer: { name: 'adam', iterations: 3, slots: [Float32Array.from([1, 2]), Float32Array.from([3, 4])], powers: [0.729, 0.997002999] },
      },
      history: packHistory(steps, evals),
    };
    await store.put(run);
    expect(await store.summaries()).toEqual([{ id: 'page-1', updatedAt: 1000, step: 3, epoch: 0, query: 'beta=4' }]);
    expect(await store.get('page-1')).toEqual(run);
    await store.delete(['page-1']);
    expect(await store.get('page-1')).toBeNull();
    store.close();
  });

  it('names a missing IndexedDB as unavailable storage', async () => {
    const error = await RunStore.open(undefined).catch((e: unknown) => e);
    expect(storageFailure(error)).toBe('unavailable');
  });
});
