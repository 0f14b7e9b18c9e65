import type { Checkpoint } from '../training/checkpoint';
import type { CustomSet } from '../data/custom/custom-set';
import type { PackedHistory } from './run-history';
import { openDatabase, requestResult, transactionDone } from './idb';

/**
 * Saved runs in IndexedDB. Knows nothing of Svelte or the page: it stores and
 * lists records. Each tab writes only its own record (keyed by its id), and
 * every write is one transaction over both stores, so a record is never half
 * written and a summary never points at a missing run.
 */

const DB_NAME = 'vae-playground';
/** 2: uploaded image sets, kept once for the runs trained on them. */
const DB_VERSION = 2;
/** Small listing records, read without cloning megabytes of weights. */
const SUMMARIES = 'summaries';
/** The weights, optimizer state and history. */
const RUNS = 'runs';
/** Uploaded image sets by content id; a run names its set, so a set is stored once however often the run is saved. */
const UPLOADS = 'uploads';

export interface SavedRunSummary {
  /** The id of the page that wrote it. */
  id: string;
  /** ms since the epoch (Date.now()). */
  updatedAt: number;
  step: number;
  epoch: number;
  /** The run's settings as a playground link query (read back with the link rules). */
  query: string;
  /** The Runs-list entry this run is kept as, so a resumed run goes on updating it. */
  libraryId?: string | null;
  /** The uploaded set the run trains on (dataset `custom`), by id. */
  uploadId?: string;
}

export interface SavedRun extends SavedRunSummary {
  checkpoint: Checkpoint;
  history: PackedHistory;
  /** On writing: the set named by `uploadId`, if it is not stored yet. On reading: the stored set. */
  upload?: CustomSet;
}

/** What went wrong with storage, in the two kinds the page explains differently. */
export type StorageFailure = 'full' | 'unavailable';

export function storageFailure(error: unknown): StorageFailure {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  return name === 'QuotaExceededError' ? 'full' : 'unavailable';
}

export class RunStore {
  readonly #db: IDBDatabase;

  private constructor(db: IDBDatabase) {
    this.#db = db;
  }

  /** Throws when the browser offers no usable IndexedDB (missing, blocked, private mode). */
  static async open(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<RunStore> {
    return new RunStore(await openDatabase(DB_NAME, DB_VERSION, [SUMMARIES, RUNS, UPLOADS], factory));
  }

  async put(run: SavedRun): Promise<void> {
    const { checkpoint, history, upload, ...summary } = run;
    const tx = this.#db.transaction([SUMMARIES, RUNS, UPLOADS], 'readwrite');
    const done = transactionDone(tx);
    tx.objectStore(SUMMARIES).put(summary);
    tx.objectStore(RUNS).put({ id: run.id, checkpoint, history });
    if (upload) tx.objectStore(UPLOADS).put(upload);
    await done;
  }

  /** Whether the set with this id is stored. */
  async hasUpload(id: string): Promise<boolean> {
    const tx = this.#db.transaction(UPLOADS, 'readonly');
    return (await requestResult(tx.objectStore(UPLOADS).count(id))) > 0;
  }

  /** Every saved run's summary, newest first. */
  async summaries(): Promise<SavedRunSummary[]> {
    const tx = this.#db.transaction(SUMMARIES, 'readonly');
    const all = await requestResult(tx.objectStore(SUMMARIES).getAll() as IDBRequest<SavedRunSummary[]>);
    return all.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async get(id: string): Promise<SavedRun | null> {
    const tx = this.#db.transaction([SUMMARIES, RUNS, UPLOADS], 'readonly');
    const [summary, run] = await Promise.all([
      requestResult(tx.objectStore(SUMMARIES).get(id) as IDBRequest<SavedRunSummary | undefined>),
      requestResult(tx.objectStore(RUNS).get(id) as IDBRequest<Pick<SavedRun, 'id' | 'checkpoint' | 'history'> | undefined>),
    ]);
    if (!summary || !run) return null;
    const upload = summary.uploadId ? await requestResult(tx.objectStore(UPLOADS).get(summary.uploadId) as IDBRequest<CustomSet | undefined>) : undefined;
    return { ...summary, checkpoint: run.checkpoint, history: run.history, ...(upload ? { upload } : {}) };
  }

  /** Deletes runs, and any uploaded set no run is left to name. */
  async delete(ids: Iterable<string>): Promise<void> {
    const tx = this.#db.transaction([SUMMARIES, RUNS, UPLOADS], 'readwrite');
    const done = transactionDone(tx);
    for (const id of ids) {
      tx.objectStore(SUMMARIES).delete(id);
      tx.objectStore(RUNS).delete(id);
    }
    // Requests in one transaction run in order: this listing sees the deletes above.
    const summaries = tx.objectStore(SUMMARIES).getAll() as IDBRequest<SavedRunSummary[]>;
    const uploads = tx.objectStore(UPLOADS).getAllKeys();
    uploads.onsuccess = () => {
      const named = new Set(summaries.result.map((s) => s.uploadId));
      for (const key of uploads.result) if (!named.has(String(key))) tx.objectStore(UPLOADS).delete(key);
    };
    await done;
  }

  /** Deletes all but the `keep` newest runs; runs in `spare` (open tabs) are never deleted and not counted. */
  async prune(keep: number, spare: ReadonlySet<string>): Promise<void> {
    const all = await this.summaries();
    const spared = all.filter((s) => spare.has(s.id)).length;
    const old = all.filter((s) => !spare.has(s.id)).slice(Math.max(0, keep - spared)).map((s) => s.id);
    await this.delete(old); // even none: it also drops sets no run names any more
  }

  close(): void {
    this.#db.close();
  }
}
