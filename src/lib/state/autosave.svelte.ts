import type { PlaygroundState } from './playground.svelte';
import { packHistory, packedHistoryProblem, unpackHistory } from './run-history';
import { RunStore, storageFailure, type SavedRun, type SavedRunSummary, type StorageFailure } from './run-store';
import { holdPresence, newPageId, openPageIds } from './tab-presence';
import { RunWriter } from './run-writer';
import { isUploadData } from '../data/custom/custom-set';

/** While the run changes, it is saved this often (and when training pauses or the page is hidden). */
const SAVE_EVERY_MS = 5_000;
/** Saved runs kept in the browser; older ones (of closed pages) are deleted. */
const KEEP_RUNS = 3;
/** How long a save waits for the steps up to its checkpoint to reach the page. */
const HISTORY_WAIT_MS = 2_000;
export const MEASURE_SAVE = 'vae:run-save';

const STORAGE_MESSAGES: Record<StorageFailure, string> = {
  unavailable: 'This browser is not letting the playground keep runs (its storage is turned off or unavailable, as in some private windows), so this run will not survive a reload. Training is not affected.',
  full: 'The browser’s storage for this site is full, so the run could not be saved and saving has stopped for this page. Training is not affected.',
};

/** The Runs list's side of a saved run: which entry it is kept as, and continuing that entry after a resume. */
export interface RunsEntry {
  readonly currentId: string | null;
  continueAs(id: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Keeps the current run in IndexedDB so it survives a reload, and offers the
 * newest run left by a page that is no longer open. Each page saves under its
 * own id, so several tabs never overwrite each other's runs.
 */
export class RunAutosave {
  readonly #playground: PlaygroundState;
  readonly #runs: RunsEntry | null;
  readonly #id = newPageId();
  readonly #store: Promise<RunStore | null>;
  /** Writes the run from a worker: serializing megabytes of weights here would stall the page. */
  readonly #writer = new RunWriter();
  #offer = $state.raw<SavedRunSummary | null>(null);
  #storageMessage = $state<string | null>(null);
  #resumeError = $state<string | null>(null);
  #saved = $state.raw<{ step: number; at: number } | null>(null);
  #resuming = $state(false);
  #saving = false;
  #stopped = false;
  /** The run's id and history version last saved: nothing new, nothing to save. */
  #savedVersion = '';
  /** A resumed run of a closed page: its record goes once this page has saved the run itself. */
  #adopted: string | null = null;
  #timer: ReturnType<typeof setInterval>;
  #stopEffects: () => void;

  constructor(playground: PlaygroundState, runs: RunsEntry | null = null) {
    this.#playground = playground;
    this.#runs = runs;
    holdPresence(this.#id);
    this.#store = this.#open();
    this.#timer = setInterval(() => void this.save(), SAVE_EVERY_MS);
    addEventListener('pagehide', this.#onPageHide);
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    // A pause is a natural point to save: the run stops changing.
    this.#stopEffects = $effect.root(() => {
      $effect(() => {
        if (!playground.client.running) queueMicrotask(() => void this.save());
      });
    });
  }

  /** The saved run this page may resume, if any. */
  get offer() { return this.#offer; }
  get storageMessage() { return this.#storageMessage; }
  get resumeError() { return this.#resumeError; }
  /** The last save of this page's run. */
  get saved() { return this.#saved; }
  get resuming() { return this.#resuming; }

  dismissStorageMessage(): void {
    this.#storageMessage = null;
  }

  // Best effort: a page being unloaded may not live to finish the save (the timer's last one stands).
  #onPageHide = (): void => void this.save();
  // More reliable than pagehide: on phones a hidden page is often killed without one.
  #onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') void this.save();
  };

  async #open(): Promise<RunStore | null> {
    try {
      const store = await RunStore.open();
      const open = await openPageIds();
      this.#offer = (await store.summaries()).find((s) => s.id !== this.#id && !open.has(s.id)) ?? null;
      return store;
    } catch (error) {
      this.#fail(error);
      return null;
    }
  }

  /** Saves the run if it changed since the last save. Never throws; at most one save at a time. */
  async save(): Promise<void> {
    const client = this.#playground.client;
    if (this.#saving || this.#stopped || this.#resuming || client.status !== 'ready' || client.step === 0) return;
    const version = `${client.runId}/${client.historyVersion}`;
    if (version === this.#savedVersion) return;
    this.#saving = true;
    try {
      const store = await this.#store;
      if (!store) return;
      const runId = client.runId;
      const query = this.#playground.query;
      // Uploaded images or points go with the run (stored once, by content id), so a reload resumes on them.
      const upload = isUploadData(this.#playground.config.data) ? this.#playground.customSet : null;
      // A worker that cannot answer now (a model being built, a lost device) is asked again next time.
      const checkpoint = await client.requestSnapshot(true).catch(() => null);
      if (!checkpoint) return;
      // Steps up to the checkpoint may still be on their way from the worker.
      const waitUntil = performance.now() + HISTORY_WAIT_MS;
      while ((client.history.steps.at(-1)?.step ?? 0) < checkpoint.step && performance.now() < waitUntil) await sleep(50);
      if (client.runId !== runId) return; // a new model or a restore replaced the run meanwhile
      const steps = client.history.steps.filter((s) => s.step <= checkpoint.step);
      const evals = client.history.evals.filter((e) => e.step <= checkpoint.step);
      const start = performance.now();
      const record: SavedRun = {
        id: this.#id,
        updatedAt: Date.now(),
        step: checkpoint.step,
        epoch: client.stepsPerEpoch > 0 ? Math.floor(checkpoint.step / client.stepsPerEpoch) : client.epoch,
        query,
        libraryId: this.#runs?.currentId ?? null,
        checkpoint,
        history: packHistory(steps, evals),
        ...(upload ? { uploadId: upload.id, ...((await store.hasUpload(upload.id)) ? {} : { upload }) } : {}),
      };
      await this.#writer.put(record, await this.#spared());
      try {
        performance.measure(MEASURE_SAVE, { start, end: performance.now(), detail: { steps: steps.length } });
      } catch {
        // An older browser without measure options: the timing is only for the benchmark, the save stands.
      }
      this.#savedVersion = version;
      this.#saved = { step: record.step, at: record.updatedAt };
      await this.#tidy(store);
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#saving = false;
    }
  }

  async #tidy(store: RunStore): Promise<void> {
    if (this.#adopted) {
      await store.delete([this.#adopted]);
      this.#adopted = null;
    }
    await store.prune(KEEP_RUNS, await this.#spared());
  }

  /** Runs never pruned: this page's, those of pages still open, and the one this page offers. */
  async #spared(): Promise<Set<string>> {
    const spared = new Set([this.#id, ...(await openPageIds())]);
    if (this.#offer) spared.add(this.#offer.id);
    return spared;
  }

  /** Storage failed: said once, calmly; saving stops and training goes on. */
  #fail(error: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#storageMessage = STORAGE_MESSAGES[storageFailure(error)];
    console.info('Saving runs is off for this page:', error);
  }

  /** Replaces the current run with the offered one (asking first if the current one has progress). */
  async resume(): Promise<void> {
    const offer = this.#offer;
    const store = await this.#store;
    if (!offer || !store || this.#resuming) return;
    this.#resuming = true;
    this.#resumeError = null;
    try {
      const run = await store.get(offer.id);
      if (!run) throw new Error('it is no longer in the browser’s storage');
      const problem = packedHistoryProblem(run.history);
      if (problem) throw new Error(problem);
      if (!(await this.#playground.resumeRun(run.query, run.checkpoint, unpackHistory(run.history), run.upload ?? null))) return;
      // The Runs list goes on with the entry the run was kept as, instead of listing it twice.
      if (run.libraryId) this.#runs?.continueAs(run.libraryId);
      this.#offer = null;
      this.#adopted = run.id;
      this.#savedVersion = '';
    } catch (error) {
      this.#resumeError = `The saved run could not be restored: ${error instanceof Error ? error.message : String(error)}.`;
    } finally {
      this.#resuming = false;
    }
    void this.save();
  }

  /** Deletes the offered run. */
  async discard(): Promise<void> {
    const offer = this.#offer;
    const store = await this.#store;
    this.#offer = null;
    this.#resumeError = null;
    if (!offer || !store) return;
    try {
      await store.delete([offer.id]);
    } catch (error) {
      this.#fail(error);
    }
  }

  dispose(): void {
    clearInterval(this.#timer);
    removeEventListener('pagehide', this.#onPageHide);
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    this.#stopEffects();
    this.#writer.dispose();
    void this.#store.then((store) => store?.close());
  }
}
