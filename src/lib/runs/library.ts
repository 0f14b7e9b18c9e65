import type { EvalMetrics } from '../training/protocol';
import type { PackedHistory } from '../state/run-history';
import { openDatabase, requestResult, transactionDone } from '../state/idb';

/**
 * The Runs list: finished or paused runs kept in the browser (IndexedDB) for
 * comparison. No weights (the autosave keeps those for the current run): the
 * settings, the metric history, the last test numbers and a small picture of
 * the latent map. Knows nothing of Svelte or the page, so other features (a β
 * sweep) can add runs the same way. A listing never reads the histories: they
 * live in their own store and are read one run at a time.
 */

const DB_NAME = 'vae-playground-runs';
const DB_VERSION = 1;
const RUNS = 'runs';
const HISTORIES = 'histories';
/** Most runs kept; when a new one would pass it, the oldest unpinned runs go. */
export const RUN_LIMIT = 50;

export type RunOrigin = 'manual' | 'sweep';

export interface RunSummary {
  id: string;
  name: string;
  /** ms since the epoch. */
  createdAt: number;
  updatedAt: number;
  /** The run's settings as a playground link query (read back with the link rules). */
  query: string;
  /** Training steps taken. */
  steps: number;
  /** The last test evaluation, or null if none was made. */
  test: EvalMetrics | null;
  /** A small PNG (data URL) of the latent map, or null. */
  thumbnail: string | null;
  origin: RunOrigin;
  /** Pinned runs are never removed to make room. */
  pinned: boolean;
}

export interface RunRecord extends RunSummary {
  history: PackedHistory;
}

/** What a caller gives to keep a new run; the rest is filled in. */
export type NewRun = Pick<RunRecord, 'query' | 'history' | 'test' | 'thumbnail' | 'origin'> & Partial<Pick<RunRecord, 'id' | 'name' | 'pinned'>>;

export function newRunId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** "Run n" with n one past the highest such number in use. */
export function nextRunName(names: readonly string[]): string {
  let highest = 0;
  for (const name of names) {
    const match = /^Run (\d+)$/.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return `Run ${highest + 1}`;
}

/** The runs to remove so that at most `limit` remain: oldest unpinned first, never `keep`. */
export function overflow(runs: readonly RunSummary[], limit: number, keep: string | null = null): RunSummary[] {
  const excess = runs.length - limit;
  if (excess <= 0) return [];
  return runs
    .filter((r) => !r.pinned && r.id !== keep)
    .sort((a, b) => a.createdAt - b.createdAt)
    .slice(0, excess);
}

export class RunLibrary {
  readonly #db: IDBDatabase;

  private constructor(db: IDBDatabase) {
    this.#db = db;
  }

  /** Throws when the browser offers no usable IndexedDB (missing, blocked, private mode). */
  static async open(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<RunLibrary> {
    return new RunLibrary(await openDatabase(DB_NAME, DB_VERSION, [RUNS, HISTORIES], factory));
  }

  /** Every kept run, newest first, without histories. */
  async list(): Promise<RunSummary[]> {
    const tx = this.#db.transaction(RUNS, 'readonly');
    const all = await requestResult(tx.objectStore(RUNS).getAll() as IDBRequest<RunSummary[]>);
    return all.sort((a, b) => b.createdAt - a.createdAt);
  }

  async history(id: string): Promise<PackedHistory | null> {
    const tx = this.#db.transaction(HISTORIES, 'readonly');
    const row = await requestResult(tx.objectStore(HISTORIES).get(id) as IDBRequest<{ id: string; history: PackedHistory } | undefined>);
    return row?.history ?? null;
  }

  async get(id: string): Promise<RunRecord | null> {
    const tx = this.#db.transaction([RUNS, HISTORIES], 'readonly');
    const [summary, row] = await Promise.all([
      requestResult(tx.objectStore(RUNS).get(id) as IDBRequest<RunSummary | undefined>),
      requestResult(tx.objectStore(HISTORIES).get(id) as IDBRequest<{ id: string; history: PackedHistory } | undefined>),
    ]);
    return summary && row ? { ...summary, history: row.history } : null;
  }

  /**
   * Keeps a new run, or updates the run with the same id (its name and pin
   * stay as the user left them). When the library would pass `limit`, the
   * oldest unpinned runs go, in the same transaction; they are returned.
   */
  async add(run: NewRun, limit = RUN_LIMIT): Promise<{ record: RunSummary; removed: RunSummary[] }> {
    const tx = this.#db.transaction([RUNS, HISTORIES], 'readwrite');
    const done = transactionDone(tx);
    const runs = tx.objectStore(RUNS);
    const all = await requestResult(runs.getAll() as IDBRequest<RunSummary[]>);
    const now = Date.now();
    const id = run.id ?? newRunId();
    const old = all.find((r) => r.id === id);
    const record: RunSummary = {
      id,
      name: old?.name ?? run.name ?? nextRunName(all.map((r) => r.name)),
      // Strictly after every kept run, so "oldest" is well defined even for runs kept within one millisecond.
      createdAt: old?.createdAt ?? Math.max(now, ...all.map((r) => r.createdAt + 1)),
      updatedAt: now,
      query: run.query,
      steps: run.history.step.length > 0 ? run.history.step[run.history.step.length - 1] : 0,
      test: run.test ? { ...run.test } : null,
      thumbnail: run.thumbnail,
      origin: run.origin,
      pinned: old?.pinned ?? run.pinned ?? false,
    };
    runs.put(record);
    tx.objectStore(HISTORIES).put({ id, history: run.history });
    const removed = overflow(old ? all : [...all, record], limit, id);
    for (const r of removed) {
      runs.delete(r.id);
      tx.objectStore(HISTORIES).delete(r.id);
    }
    await done;
    return { record, removed };
  }

  async #update(id: string, change: Partial<Pick<RunSummary, 'name' | 'pinned'>>): Promise<void> {
    const tx = this.#db.transaction(RUNS, 'readwrite');
    const done = transactionDone(tx);
    const store = tx.objectStore(RUNS);
    const old = await requestResult(store.get(id) as IDBRequest<RunSummary | undefined>);
    if (!old) throw new Error('that run is no longer in the browser’s storage');
    store.put({ ...old, ...change });
    await done;
  }

  rename(id: string, name: string): Promise<void> {
    return this.#update(id, { name });
  }

  setPinned(id: string, pinned: boolean): Promise<void> {
    return this.#update(id, { pinned });
  }

  async remove(ids: Iterable<string>): Promise<void> {
    const tx = this.#db.transaction([RUNS, HISTORIES], 'readwrite');
    const done = transactionDone(tx);
    for (const id of ids) {
      tx.objectStore(RUNS).delete(id);
      tx.objectStore(HISTORIES).delete(id);
    }
    await done;
  }

  async clear(): Promise<void> {
    const tx = this.#db.transaction([RUNS, HISTORIES], 'readwrite');
    const done = transactionDone(tx);
    tx.objectStore(RUNS).clear();
    tx.objectStore(HISTORIES).clear();
    await done;
  }

  close(): void {
    this.#db.close();
  }
}
