/** The page's side of a sweep: points kept, one run handed on per finished β, time left, plot helpers. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/lib/config/types';
import { SweepState, type SweepClient, type SweepRunResult } from '../../src/lib/sweep/sweep.svelte';
import { formatTimeLeft, secondsLeft } from '../../src/lib/sweep/eta';
import { niceTicks } from '../../src/lib/sweep/ticks';
import { runPath } from '../../src/lib/sweep/rd-point';
import { unpackHistory } from '../../src/lib/state/run-history';
import type { SweepListener } from '../../src/lib/training/client.svelte';
import type { SweepPoint, SweepSummary } from '../../src/lib/training/sweep';

function point(index: number, beta: number, kl: number, recon: number): SweepPoint {
  const test = { epoch: 1, step: 3, recon, kl, negElbo: recon + kl };
  return { index, beta, test, steps: [1, 2, 3].map((step) => ({ step, recon, kl, beta, total: recon + beta * kl })), evals: [test], millis: 10 };
}

function fakeClient() {
  const calls: { betas: number[]; epochs: number; listener: SweepListener; finish: (s: SweepSummary) => void }[] = [];
  let cancels = 0;
  const client: SweepClient = {
    sweep: (betas, epochs, listener) => new Promise((finish) => calls.push({ betas, epochs, listener, finish })),
    cancelSweep: () => void cancels++,
  };
  return { client, calls, cancels: () => cancels };
}

describe('SweepState', () => {
  it('keeps finished points in β order, hands each on as a run, and keeps them when cancelled', async () => {
    const { client, calls, cancels } = fakeClient();
    const sweep = new SweepState(client);
    const runs: SweepRunResult[] = [];
    sweep.onSweepRunFinished = (run) => runs.push(run);
    const config = { ...DEFAULT_CONFIG, hidden: [16], batch: 64 };
    const done = sweep.start([4, 0.5, 1], 2, config);
    expect(sweep.running).toBe(true);
    expect(calls[0].betas).toEqual([4, 0.5, 1]);
    calls[0].listener.onPoint(point(0, 4, 2, 250));
    calls[0].listener.onPoint(point(1, 0.5, 30, 200));
    expect(sweep.rdPoints).toEqual([
      { label: 'β = 0.5', rate: 30, distortion: 200, beta: 0.5, kind: 'sweep' },
      { label: 'β = 4', rate: 2, distortion: 250, beta: 4, kind: 'sweep' },
    ]);
    expect(runs.map((r) => [r.beta, r.query, r.test.kl])).toEqual([
      [4, 'hidden=16&beta=4&batch=64', 2],
      [0.5, 'hidden=16&beta=0.5&batch=64', 30],
    ]);
    expect(unpackHistory(runs[0].history).steps.map((s) => s.step)).toEqual([1, 2, 3]);

    sweep.cancel();
    sweep.cancel();
    expect(cancels()).toBe(1);
    expect(sweep.status).toBe('cancelling');
    calls[0].finish({ completed: 2, cancelled: true });
    await done;
    expect(sweep.running).toBe(false);
    expect(sweep.outcome).toBe('Sweep stopped: 2 of 3 β values finished and kept.');
    expect(sweep.rdPoints).toHaveLength(2);

    // The next sweep starts a new curve; a failure says how many finished.
    const next = sweep.start([1], 1, config);
    expect(sweep.rdPoints).toEqual([]);
    calls[1].listener.onPoint(point(0, 1, 10, 220));
    // A point sent again (the sweep re-ran after a lost GPU) replaces the first.
    calls[1].listener.onPoint(point(0, 1, 11, 221));
    expect(sweep.rdPoints.map((p) => p.rate)).toEqual([11]);
    expect(calls).toHaveLength(2);
    calls[1].finish({ completed: 1, cancelled: false });
    await next;
    expect(sweep.outcome).toBe('Sweep finished: 1 of 1 β values trained.');
  });
});

describe('sweep helpers', () => {
  it('estimates time left from the measured speed, in words', () => {
    expect(secondsLeft(0, 100, 5000)).toBeNull();
    expect(secondsLeft(25, 100, 20_000)).toBe(60);
    expect(formatTimeLeft(null)).toBe('measuring the speed…');
    expect(formatTimeLeft(3)).toBe('a few seconds left');
    expect(formatTimeLeft(42)).toBe('about 40 s left');
    expect(formatTimeLeft(80)).toBe('about 1 min 20 s left');
    expect(formatTimeLeft(120)).toBe('about 2 min left');
    expect(formatTimeLeft(3 * 3600 + 125)).toBe('about 3 h 2 min left');
  });

  it('picks round ticks that cover the range, and leaves the untrained model off the path', () => {
    expect(niceTicks(0, 73, 5)).toEqual([0, 20, 40, 60, 80]);
    expect(niceTicks(198.3, 251.2, 5)).toEqual([180, 200, 220, 240, 260]);
    expect(niceTicks(0.12, 0.31, 4)).toEqual([0.1, 0.2, 0.3, 0.4]);
    const e = (step: number, kl: number) => ({ epoch: step / 10, step, recon: 200, kl, negElbo: 200 + kl });
    expect(runPath([e(0, 0.01), e(10, 20), e(20, 22)])).toEqual([{ rate: 20, distortion: 200, epoch: 1 }, { rate: 22, distortion: 200, epoch: 2 }]);
  });
});
