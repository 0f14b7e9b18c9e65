import type { EvalMetrics } from '../training/protocol';
import type { RunRecord } from './library';

/**
 * Kept runs as one JSON document: each run's settings, names, test numbers,
 * thumbnail and its metric history as plain number arrays (a non-finite value
 * becomes null, as JSON has no NaN).
 */
export const RUNS_JSON_FORMAT = 'vae-playground-runs';

export interface ExportedRun {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  origin: RunRecord['origin'];
  pinned: boolean;
  query: string;
  steps: number;
  test: EvalMetrics | null;
  thumbnail: string | null;
  history: { step: number[]; recon: number[]; kl: number[]; beta: number[]; total: number[]; evals: EvalMetrics[] };
}

export function runsJson(runs: readonly RunRecord[], exportedAt = new Date()): string {
  const out = runs.map((r): ExportedRun => ({
    id: r.id,
    name: r.name,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    origin: r.origin,
    pinned: r.pinned,
    query: r.query,
    steps: r.steps,
    test: r.test,
    thumbnail: r.thumbnail,
    history: {
      step: Array.from(r.history.step),
      recon: Array.from(r.history.recon),
      kl: Array.from(r.history.kl),
      beta: Array.from(r.history.beta),
      total: Array.from(r.history.total),
      evals: r.history.evals,
    },
  }));
  return `${JSON.stringify({ format: RUNS_JSON_FORMAT, version: 1, exportedAt: exportedAt.toISOString(), runs: out }, null, 1)}\n`;
}
