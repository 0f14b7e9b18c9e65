import { describe, expect, it } from 'vitest';
import { packHistory, packedHistoryProblem, unpackHistory } from '../../src/lib/state/run-history';
import type { EvalMetrics, StepMetrics } from '../../src/lib/training/protocol';

/** Steps as the worker makes them: recon, KL and β read from float32 tensors, the total summed in JavaScript. */
function workerSteps(n: number): StepMetrics[] {
  const f = new Float32Array(3);
  return Array.from({ length: n }, (_, i) => {
    f[0] = 540 / (1 + i / 50) + Math.sin(i) * 3.14159;
    f[1] = 3 + Math.log1p(i) / 7;
    f[2] = Math.min(1, i / 997);
    const [recon, kl, beta] = f;
    return { step: i + 1, recon, kl, beta, total: recon + beta * kl };
  });
}

describe('packed run history', () => {
  it('round-trips worker metrics exactly', () => {
    const steps = workerSteps(5000);
    const evals: EvalMetrics[] = [{ epoch: 1, step: 62, recon: 170.25, kl: 5.5, negElbo: 175.75 }];
    const back = unpackHistory(packHistory(steps, evals));
    expect(back.steps).toEqual(steps);
    expect(back.evals).toEqual(evals);
  });

  it('names a history whose columns do not line up, and accepts a good one', () => {
    const packed = packHistory(workerSteps(10), []);
    expect(packedHistoryProblem(packed)).toBeNull();
    expect(packedHistoryProblem({ ...packed, kl: new Float32Array(3) })).toMatch(/differ in length/);
    expect(packedHistoryProblem({ ...packed, total: new Float32Array(10) })).toMatch(/expected format/);
    expect(packedHistoryProblem(undefined)).toMatch(/missing/);
  });
});
