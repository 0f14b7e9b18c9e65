import { untrack } from 'svelte';
import type { PlaygroundState } from '../state/playground.svelte';
import { packHistory } from '../state/run-history';
import { storageFailure } from '../state/run-store';
import { RUN_LIMIT, RunLibrary, newRunId, type NewRun, type RunRecord, type RunSummary } from './library';
import { queryDifferenceLabels } from './config-diff';

/** After training stops (a pause, a Step), the run is kept once its last steps have arrived. */
const KEEP_AFTER_MS = 600;
/** Side of the latent-map thumbnail, in pixels. */
export const THUMBNAIL_PX = 96;
/** Longest run name. */
export const MAX_NAME = 60;

/** One kept run drawn on the loss chart: −ELBO (recon + KL) per training step. */
export interface RunOverlay {
  id: string;
  label: string;
  /** Index into the chart's run palette. */
  colorIndex: number;
  points: { x: number; y: number }[];
}

/**
 * The Runs list on the page: keeps the current run in the library whenever
 * training stops and before a new model replaces it, and holds the runs
 * chosen to be drawn on the loss chart.
 */
export class RunKeeper {
  readonly #playground: PlaygroundState;
  readonly #library: Promise<RunLibrary | null>;
  #runs = $state.raw<RunSummary[]>([]);
  #selected = $state.raw<string[]>([]);
  #curves = $state.raw<ReadonlyMap<string, { x: number; y: number }[]>>(new Map());
  #message = $state<string | null>(null);
  #unavailable = $state<string | null>(null);
  #currentId = $state<string | null>(null);
  /** The client's run the current library id belongs to. */
  #runKey = $state('');
  #savedVersion = -1;
  /** The settings in force at the last step: a β changed after pausing belongs to the next run. */
  #trainedQuery = '';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #thumbnailSource: () => HTMLCanvasElement | null = () => null;
  #writing: Promise<void> = Promise.resolve();
  #stopEffects: () => void;
  #stopHook: () => void;

  constructor(playground: PlaygroundState) {
    this.#playground = playground;
    this.#library = this.#open();
    const client = playground.client;
    this.#stopHook = playground.onBeforeReplace(() => this.keepNow());
    this.#stopEffects = $effect.root(() => {
      $effect(() => {
        if (client.step > 0) untrack(() => (this.#trainedQuery = playground.query));
      });
      $effect(() => {
        void client.historyVersion;
        if (client.running || client.step === 0) return;
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.keepNow(), KEEP_AFTER_MS);
      });
    });
    addEventListener('pagehide', this.#onHide);
    // Every β a sweep finishes becomes a run of its own.
    playground.sweep.onSweepRunFinished = (result) =>
      void this.add({ query: result.query, history: result.history, test: result.test, thumbnail: null, origin: 'sweep', name: `β = ${result.beta} (sweep)` });
  }

  /** Kept runs, newest first. */
  get runs() { return this.#runs; }
  /** The library id of the run being trained now, once it has been kept. */
  get currentId() { return this.#playground.client.runId === this.#runKey ? this.#currentId : null; }
  get selected() { return this.#selected; }
  /** A notice for the user (a run removed to make room, a failed change). */
  get message() { return this.#message; }
  /** Why the library cannot be used in this browser, or null. */
  get unavailable() { return this.#unavailable; }

  /** The selected runs as chart series, labelled by what differs between them. */
  get overlays(): RunOverlay[] {
    const chosen = this.#selected.map((id) => this.#runs.find((r) => r.id === id)).filter((r): r is RunSummary => !!r);
    const labels = queryDifferenceLabels(chosen.map((r) => r.query));
    return chosen.flatMap((r, i) => {
      const points = this.#curves.get(r.id);
      return points ? [{ id: r.id, label: labels[i], colorIndex: i, points }] : [];
    });
  }

  /** Where the thumbnail comes from: the latent pad as drawn. */
  setThumbnailSource(source: () => HTMLCanvasElement | null): void {
    this.#thumbnailSource = source;
  }

  dismissMessage(): void {
    this.#message = null;
  }

  #onHide = (): void => this.keepNow();

  async #open(): Promise<RunLibrary | null> {
    try {
      const library = await RunLibrary.open();
      this.#runs = await library.list();
      return library;
    } catch (error) {
      this.#unavailable = 'This browser is not letting the playground keep runs (its storage is turned off or unavailable, as in some private windows).';
      console.info('The Runs list is off for this page:', error);
      return null;
    }
  }

  /** The current run as a library entry, or null when there is nothing new to keep. Synchronous: it reads the run before a new model clears it. */
  #capture(): NewRun | null {
    const client = this.#playground.client;
    if (client.status !== 'ready' || client.step === 0 || client.history.steps.length === 0) return null;
    if (client.runId !== this.#runKey) {
      this.#runKey = client.runId;
      this.#currentId = newRunId();
      this.#savedVersion = -1;
    }
    if (client.historyVersion === this.#savedVersion) return null;
    this.#savedVersion = client.historyVersion;
    return {
      id: this.#currentId!,
      query: this.#trainedQuery || this.#playground.query,
      history: packHistory(client.history.steps, client.history.evals),
      test: client.latestEval,
      thumbnail: this.#thumbnail(),
      origin: 'manual',
    };
  }

  #thumbnail(): string | null {
    try {
      const source = this.#thumbnailSource();
      const ctx = source ? document.createElement('canvas').getContext('2d') : null;
      if (!source || !ctx) return null;
      ctx.canvas.width = THUMBNAIL_PX;
      ctx.canvas.height = THUMBNAIL_PX;
      ctx.drawImage(source, 0, 0, THUMBNAIL_PX, THUMBNAIL_PX);
      return ctx.canvas.toDataURL('image/png');
    } catch {
      return null; // a picture is a nicety: the run is kept without one
    }
  }

  /** The run now in the client (one just resumed after a reload) continues the entry `id` instead of starting another. */
  continueAs(id: string): void {
    this.#runKey = this.#playground.client.runId;
    this.#currentId = id;
    this.#savedVersion = -1;
  }

  /** Keeps the current run now if it changed since it was last kept. */
  keepNow(): void {
    clearTimeout(this.#timer);
    const run = this.#capture();
    if (run) void this.add(run);
  }

  /** Adds or updates a run (this page's, or one a feature such as a sweep made). Never throws. */
  add(run: NewRun): Promise<RunSummary | null> {
    const result = this.#serial(async (library) => {
      const { record, removed } = await library.add(run);
      if (removed.length > 0) {
        const names = removed.map((r) => `“${r.name}”`).join(', ');
        this.#message = `The list keeps ${RUN_LIMIT} runs, so the oldest unpinned ${removed.length === 1 ? 'one' : 'ones'} (${names}) ${removed.length === 1 ? 'was' : 'were'} removed to make room. Pin a run to keep it.`;
        this.#deselect(removed.map((r) => r.id));
      }
      await this.#refresh(library);
      if (this.#selected.includes(record.id)) await this.#loadCurve(library, record.id);
      return record;
    });
    return result;
  }

  /** Renames a run; returns the name now in force (the old one when the new is empty or fails). */
  async rename(id: string, name: string): Promise<string> {
    const clean = name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);
    const old = this.#runs.find((r) => r.id === id);
    if (!old || !clean || clean === old.name) return old?.name ?? clean;
    await this.#serial(async (library) => {
      await library.rename(id, clean);
      await this.#refresh(library);
    });
    return this.#runs.find((r) => r.id === id)?.name ?? clean;
  }

  async setPinned(id: string, pinned: boolean): Promise<void> {
    await this.#serial(async (library) => {
      await library.setPinned(id, pinned);
      await this.#refresh(library);
    });
  }

  /** Deletes runs after asking. */
  async remove(ids: string[]): Promise<void> {
    const names = ids.map((id) => this.#runs.find((r) => r.id === id)?.name).filter(Boolean);
    if (names.length === 0) return;
    const all = names.length === this.#runs.length && names.length > 1;
    const ok = await this.#playground.ask(
      all ? 'Delete all runs?' : `Delete “${names[0]}”?`,
      all ? `All ${names.length} kept runs will be removed from this browser. This cannot be undone.` : 'Its settings, curves and test numbers will be removed from this browser. This cannot be undone.',
      'Delete',
    );
    if (!ok) return;
    await this.#serial(async (library) => {
      await library.remove(ids);
      if (this.#currentId && ids.includes(this.#currentId)) {
        // Training on keeps the current run again, as a new entry.
        this.#runKey = '';
      }
      this.#deselect(ids);
      await this.#refresh(library);
    });
  }

  /** Draws the run on the loss chart, or stops drawing it. */
  async setOverlay(id: string, on: boolean): Promise<void> {
    if (!on) {
      this.#deselect([id]);
      return;
    }
    if (this.#selected.includes(id)) return;
    this.#selected = [...this.#selected, id];
    await this.#serial((library) => this.#loadCurve(library, id));
  }

  /** Every kept run with its history, newest first, for an export. */
  async records(): Promise<RunRecord[]> {
    return (await this.#serial(async (library) => {
      const runs = await library.list();
      const records = await Promise.all(runs.map((r) => library.get(r.id)));
      return records.filter((r): r is RunRecord => !!r);
    })) ?? [];
  }

  /** Applies a kept run's settings to the playground (a fresh model; asks first if training would be lost). */
  async openSettings(id: string): Promise<void> {
    const run = this.#runs.find((r) => r.id === id);
    if (run) await this.#playground.applyQuery(run.query);
  }

  #deselect(ids: readonly string[]): void {
    this.#selected = this.#selected.filter((id) => !ids.includes(id));
    const curves = new Map(this.#curves);
    for (const id of ids) curves.delete(id);
    this.#curves = curves;
  }

  async #loadCurve(library: RunLibrary, id: string): Promise<void> {
    const history = await library.history(id);
    if (!history || !this.#selected.includes(id)) return;
    const points = new Array<{ x: number; y: number }>(history.step.length);
    // −ELBO per training step, whatever β the run used: runs with different β compare on one scale.
    for (let i = 0; i < points.length; i++) points[i] = { x: history.step[i], y: history.recon[i] + history.kl[i] };
    this.#curves = new Map(this.#curves).set(id, points);
  }

  async #refresh(library: RunLibrary): Promise<void> {
    this.#runs = await library.list();
    const ids = new Set(this.#runs.map((r) => r.id));
    this.#deselect(this.#selected.filter((id) => !ids.has(id)));
  }

  /** One library change at a time, in order; a failure is told to the user and resolves to null. */
  #serial<T>(work: (library: RunLibrary) => Promise<T>): Promise<T | null> {
    const next = this.#writing.then(async () => {
      const library = await this.#library;
      if (!library) return null;
      try {
        return await work(library);
      } catch (error) {
        this.#message = storageFailure(error) === 'full'
          ? 'The browser’s storage for this site is full, so the Runs list could not be changed. Delete some runs to make room.'
          : `The Runs list could not be changed: ${error instanceof Error ? error.message : String(error)}.`;
        return null;
      }
    });
    this.#writing = next.then(() => undefined);
    return next;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    removeEventListener('pagehide', this.#onHide);
    this.#stopEffects();
    this.#stopHook();
    this.#playground.sweep.onSweepRunFinished = null;
    void this.#library.then((library) => library?.close());
  }
}
