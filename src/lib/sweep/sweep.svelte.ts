import { serializeConfig } from '../config/url';
import type { PlaygroundConfig } from '../config/types';
import { packHistory, type PackedHistory } from '../state/run-history';
import type { EvalMetrics } from '../training/protocol';
import type { SweepListener } from '../training/client.svelte';
import type { SweepPoint, SweepProgress, SweepSummary } from '../training/sweep';
import { secondsLeft } from './eta';
import type { RdPoint } from './rd-point';

/** A finished β of a sweep, as a run: what a runs library stores. */
export interface SweepRunResult {
  beta: number;
  /** The link of this run's settings (the sweep's config with this β). */
  query: string;
  history: PackedHistory;
  test: EvalMetrics;
}

/** The part of the training client a sweep uses (a fake in tests). */
export interface SweepClient {
  sweep(betas: number[], epochs: number, listener: SweepListener): Promise<SweepSummary>;
  cancelSweep(): void;
}

/** A finished β kept for the plot. */
export interface SweptBeta {
  index: number;
  beta: number;
  test: EvalMetrics;
  /** The link of the run this β trained: the run's settings with this β. */
  query: string;
}

/**
 * The β sweep as the page sees it: its finished points (kept in memory until
 * the next sweep starts), where it stands, and how it ended. Each finished β
 * is handed to `onSweepRunFinished`, where a runs library can keep it.
 */
export class SweepState {
  readonly #client: SweepClient;
  #points = $state.raw<SweptBeta[]>([]);
  #status = $state<'idle' | 'running' | 'cancelling'>('idle');
  #progress = $state.raw<SweepProgress | null>(null);
  #secondsLeft = $state<number | null>(null);
  #betas = $state.raw<number[]>([]);
  #outcome = $state<string | null>(null);
  #error = $state<string | null>(null);
  #startedAt = 0;
  /** Called once per finished β, in order. */
  onSweepRunFinished: ((result: SweepRunResult) => void) | null = null;

  constructor(client: SweepClient) {
    this.#client = client;
  }

  get points(): readonly SweptBeta[] { return this.#points; }
  get status() { return this.#status; }
  get running(): boolean { return this.#status !== 'idle'; }
  get progress() { return this.#progress; }
  get secondsLeft() { return this.#secondsLeft; }
  /** The β values of the sweep under way (or the last one). */
  get betas(): readonly number[] { return this.#betas; }
  get outcome() { return this.#outcome; }
  get error() { return this.#error; }

  /** The finished points for the rate–distortion plot, in β order. */
  get rdPoints(): RdPoint[] {
    return [...this.#points]
      .sort((a, b) => a.beta - b.beta)
      .map((p) => ({ label: `β = ${p.beta}`, rate: p.test.kl, distortion: p.test.recon, beta: p.beta, kind: 'sweep' as const }));
  }

  /** Starts a sweep of `config` over `betas`; the previous sweep's points are cleared. */
  async start(betas: number[], epochs: number, config: PlaygroundConfig): Promise<void> {
    if (this.running) return;
    const settings = { ...config, hidden: [...config.hidden] };
    this.#points = [];
    this.#betas = [...betas];
    this.#progress = null;
    this.#secondsLeft = null;
    this.#outcome = null;
    this.#error = null;
    this.#status = 'running';
    this.#startedAt = performance.now();
    try {
      const summary = await this.#client.sweep(betas, epochs, {
        onProgress: (progress) => {
          this.#progress = progress;
          this.#secondsLeft = secondsLeft(progress.stepsDone, progress.stepsTotal, performance.now() - this.#startedAt);
        },
        onPoint: (point) => this.#finished(point, settings),
      });
      const of = `${summary.completed} of ${betas.length} β values`;
      this.#outcome = summary.cancelled ? `Sweep stopped: ${of} finished and kept.` : `Sweep finished: ${of} trained.`;
    } catch (e) {
      this.#error = `The sweep stopped: ${e instanceof Error ? e.message : String(e)}. ${this.#points.length} of ${betas.length} β values finished and are kept.`;
    } finally {
      this.#status = 'idle';
      this.#progress = null;
    }
  }

  cancel(): void {
    if (this.#status !== 'running') return;
    this.#status = 'cancelling';
    this.#client.cancelSweep();
  }

  #finished(point: SweepPoint, config: PlaygroundConfig): void {
    // A point sent again (the sweep re-ran after a lost GPU context) replaces the earlier one.
    const query = serializeConfig({ ...config, beta: point.beta });
    this.#points = [...this.#points.filter((p) => p.index !== point.index), { index: point.index, beta: point.beta, test: point.test, query }];
    this.onSweepRunFinished?.({
      beta: point.beta,
      query,
      history: packHistory(point.steps, point.evals),
      test: point.test,
    });
  }
}
