import type { EvalMetrics, StepMetrics } from '../training/protocol';

/**
 * A run's metric history as columns of typed arrays: a 100,000-step history is
 * a few megabytes that IndexedDB clones in one piece, instead of 100,000
 * objects. Lossless: reconstruction, KL and β come out of float32 tensors, so
 * Float32Array holds them exactly; the total is a sum made in JavaScript, so it
 * keeps its float64.
 */
export interface PackedHistory {
  step: Uint32Array;
  recon: Float32Array;
  kl: Float32Array;
  beta: Float32Array;
  total: Float64Array;
  /** One per epoch: few enough to keep as they are. */
  evals: EvalMetrics[];
}

export function packHistory(steps: readonly StepMetrics[], evals: readonly EvalMetrics[]): PackedHistory {
  const n = steps.length;
  const packed: PackedHistory = {
    step: new Uint32Array(n),
    recon: new Float32Array(n),
    kl: new Float32Array(n),
    beta: new Float32Array(n),
    total: new Float64Array(n),
    evals: evals.map((e) => ({ ...e })),
  };
  for (let i = 0; i < n; i++) {
    const s = steps[i];
    packed.step[i] = s.step;
    packed.recon[i] = s.recon;
    packed.kl[i] = s.kl;
    packed.beta[i] = s.beta;
    packed.total[i] = s.total;
  }
  return packed;
}

export function unpackHistory(packed: PackedHistory): { steps: StepMetrics[]; evals: EvalMetrics[] } {
  const n = packed.step.length;
  const steps = new Array<StepMetrics>(n);
  for (let i = 0; i < n; i++) {
    steps[i] = { step: packed.step[i], recon: packed.recon[i], kl: packed.kl[i], beta: packed.beta[i], total: packed.total[i] };
  }
  return { steps, evals: packed.evals.map((e) => ({ ...e })) };
}

/** Why a stored history cannot be used, or null if its columns line up. */
export function packedHistoryProblem(packed: unknown): string | null {
  if (typeof packed !== 'object' || packed === null) return 'the metric history is missing';
  const p = packed as Partial<PackedHistory>;
  const columns = [p.step instanceof Uint32Array, p.recon instanceof Float32Array, p.kl instanceof Float32Array, p.beta instanceof Float32Array, p.total instanceof Float64Array];
  if (columns.includes(false) || !Array.isArray(p.evals)) return 'the metric history is not in the expected format';
  const n = p.step!.length;
  if ([p.recon!, p.kl!, p.beta!, p.total!].some((c) => c.length !== n)) return 'the metric history columns differ in length';
  return null;
}
