import type { EvalMetrics } from '../training/protocol';

/** One run on the rate–distortion plane: its test KL (rate) and reconstruction term (distortion). */
export interface RdPoint {
  label: string;
  /** Test KL, nats per image. */
  rate: number;
  /** Test reconstruction term per image. */
  distortion: number;
  beta?: number;
  kind: 'run' | 'sweep';
}

/** A run's path on the plane: one place per evaluation. */
export interface RdPathPoint {
  rate: number;
  distortion: number;
  epoch: number;
}

/**
 * The current run's path from its evaluation history. The untrained model's
 * numbers (step 0) are left out: they sit far off and would squeeze the rest.
 */
export function runPath(evals: readonly EvalMetrics[]): RdPathPoint[] {
  return evals.filter((e) => e.step > 0 && Number.isFinite(e.kl) && Number.isFinite(e.recon)).map((e) => ({ rate: e.kl, distortion: e.recon, epoch: e.epoch }));
}
