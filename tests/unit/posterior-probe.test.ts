/** PosteriorProbe: the page's refresh loop for a probed image — one request in flight, at most one a second. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PosteriorProbe, PROBE_REFRESH_MS } from '../../src/lib/latent/posterior-probe.svelte';
import type { TrainingClient } from '../../src/lib/training/client.svelte';
import type { ProbeResult } from '../../src/lib/training/protocol';
import type { GridWindow } from '../../src/lib/training/posterior';

interface Call {
  index: number;
  hint: GridWindow | null;
  resolve: (r: ProbeResult) => void;
}

function result(index: number, half = 1): ProbeResult {
  return {
    image: { index, label: 0, pixels: new Float32Array(784), mu: [0, 0], logVar: [0, 0], recon: 1, reconstruction: new Float32Array(784) },
    grid: { logPx: -1, elbo: -2, gap: 1, expectedLogLik: -1, kl: 1, window: { cx: 0, cy: 0, half }, side: 64, mass: new Float32Array(4096), edgeMass: 0, cutOff: false, mean: [0, 0], std: [1, 1], passes: 1 },
    millis: 5,
  };
}

let calls: Call[];
let probe: PosteriorProbe;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
  calls = [];
  const client = {
    probeTestImage: (index: number, hint: GridWindow | null) => new Promise<ProbeResult>((resolve) => calls.push({ index, hint, resolve })),
    // A drawing is recorded as index −1 (its answer carries index −1 too).
    probePixels: (_pixels: Float32Array, hint: GridWindow | null) => new Promise<ProbeResult>((resolve) => calls.push({ index: -1, hint, resolve })),
  } as unknown as TrainingClient;
  probe = new PosteriorProbe(client);
});

afterEach(() => {
  probe.dispose();
  vi.useRealTimers();
});

describe('PosteriorProbe', () => {
  it('probes a drawing through probePixels; a new drawing is asked for at once and the old answer forgotten', async () => {
    const first = new Float32Array(784).fill(0.5);
    probe.want(first, 'run');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.index)).toEqual([-1]);
    calls[0].resolve(result(-1, 1.4));
    await vi.advanceTimersByTimeAsync(0);
    expect(probe.result?.image.index).toBe(-1);
    // The same drawing again (new weights) waits out the interval and reuses its window.
    probe.want(first, 'run');
    await vi.advanceTimersByTimeAsync(PROBE_REFRESH_MS / 2);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(PROBE_REFRESH_MS / 2);
    expect(calls).toHaveLength(2);
    expect(calls[1].hint).toEqual({ cx: 0, cy: 0, half: 1.4 });
    calls[1].resolve(result(-1, 1.4));
    await vi.advanceTimersByTimeAsync(0);
    // Another drawing: asked for at once, without the previous answer on show.
    probe.want(new Float32Array(784).fill(0.2), 'run');
    expect(probe.result).toBeNull();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(3);
  });

  it('keeps at most one request in flight and asks for the newest image when the reply is back', async () => {
    probe.want(3, 'run');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.index)).toEqual([3]);
    for (let i = 0; i < 5; i++) probe.want(3, 'run');
    probe.want(4, 'run');
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(1);
    calls[0].resolve(result(3));
    await vi.advanceTimersByTimeAsync(0);
    // The answer for 3 came too late to be shown; 4 is asked for at once, without 3's window as a hint.
    expect(probe.result).toBeNull();
    expect(calls.map((c) => c.index)).toEqual([3, 4]);
    expect(calls[1].hint).toBeNull();
    calls[1].resolve(result(4, 2.5));
    await vi.advanceTimersByTimeAsync(0);
    expect(probe.result?.image.index).toBe(4);
  });

  it('refreshes the same image at most once per interval, passing its last window as a hint', async () => {
    probe.want(9, 'run');
    await vi.advanceTimersByTimeAsync(0);
    calls[0].resolve(result(9, 1.7));
    await vi.advanceTimersByTimeAsync(0);
    // Training moves the weights many times a second.
    for (let t = 0; t < 9; t++) {
      probe.want(9, 'run');
      await vi.advanceTimersByTimeAsync(PROBE_REFRESH_MS / 10);
    }
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(PROBE_REFRESH_MS / 10);
    expect(calls).toHaveLength(2);
    expect(calls[1].hint).toEqual({ cx: 0, cy: 0, half: 1.7 });
  });

  it('forgets the result when the run changes or the selection is cleared', async () => {
    probe.want(1, 'a');
    await vi.advanceTimersByTimeAsync(0);
    calls[0].resolve(result(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(probe.result).not.toBeNull();
    probe.want(1, 'b');
    expect(probe.result).toBeNull();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    probe.want(-1, 'b');
    calls[1].resolve(result(1));
    await vi.advanceTimersByTimeAsync(PROBE_REFRESH_MS * 3);
    expect(probe.result).toBeNull();
    expect(calls).toHaveLength(2);
  });
});
