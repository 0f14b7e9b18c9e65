/** TrainingClient, the page's side of the protocol, against a fake worker port. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TrainingClient, type WorkerPort } from '../../src/lib/training/client.svelte';
import type { FromWorker, ToWorker } from '../../src/lib/training/protocol';
import { DEFAULT_CONFIG } from '../../src/lib/config/types';
import type { Checkpoint } from '../../src/lib/training/checkpoint';

class FakeWorker implements WorkerPort {
  sent: ToWorker[] = [];
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  terminated = false;
  postMessage(message: ToWorker): void {
    this.sent.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(message: FromWorker): void {
    this.onmessage?.({ data: message } as MessageEvent<FromWorker>);
  }
  crash(text: string): void {
    this.onerror?.({ message: text } as ErrorEvent);
  }
  lastRequestId(): number {
    const last = [...this.sent].reverse().find((m) => 'requestId' in m) as { requestId: number } | undefined;
    if (!last) throw new Error('no request sent');
    return last.requestId;
  }
}

const CHECKPOINT: Checkpoint = { step: 12, layers: [], optimizer: null };
const step = (n: number) => ({ step: n, recon: 100, kl: 5, beta: 1, total: 105 });

let worker: FakeWorker;
let client: TrainingClient;

beforeEach(() => {
  worker = new FakeWorker();
  client = new TrainingClient(worker);
  client.start({ ...DEFAULT_CONFIG }, 'data.bin');
});

afterEach(() => {
  vi.useRealTimers();
});

describe('TrainingClient', () => {
  it('drops broadcasts of an older generation but takes the current one', () => {
    worker.reply({ generation: 1, type: 'metrics', steps: [step(1), step(2)], epoch: 0, samplesPerSecond: 10, numTensors: 5, programsPerStep: null });
    expect(client.step).toBe(2);
    client.start({ ...DEFAULT_CONFIG }, 'data.bin'); // generation 2
    worker.reply({ generation: 1, type: 'metrics', steps: [step(3)], epoch: 0, samplesPerSecond: 10, numTensors: 5, programsPerStep: null });
    worker.reply({ generation: 1, type: 'error', message: 'old run failed' });
    expect(client.step).toBe(0);
    expect(client.error).toBeNull();
    expect(client.history.steps).toHaveLength(0);
    worker.reply({ generation: 2, type: 'metrics', steps: [step(1)], epoch: 0, samplesPerSecond: 10, numTensors: 5, programsPerStep: null });
    expect(client.step).toBe(1);
  });

  it('settles a request answered in an older generation (replies match by id, not generation)', async () => {
    const snapshot = client.requestSnapshot();
    const id = worker.lastRequestId();
    client.start({ ...DEFAULT_CONFIG }, 'data.bin');
    worker.reply({ generation: 1, type: 'snapshot', requestId: id, checkpoint: CHECKPOINT });
    await expect(snapshot).resolves.toEqual(CHECKPOINT);
    expect(client.pendingRequests).toBe(0);
  });

  it('rejects a request with the worker\'s message, and keeps the run going', async () => {
    worker.reply({ generation: 1, type: 'running', running: true });
    const encoded = client.encodeTestImage(99_999);
    worker.reply({ generation: 1, type: 'request-failed', requestId: worker.lastRequestId(), message: 'test image 99999 does not exist' });
    await expect(encoded).rejects.toThrow('test image 99999 does not exist');
    expect(client.running).toBe(true);
    expect(client.error).toBeNull();
  });

  it('times a request out when no reply comes, and ignores a reply after that', async () => {
    vi.useFakeTimers();
    const snapshot = client.requestSnapshot();
    const id = worker.lastRequestId();
    vi.advanceTimersByTime(61_000);
    await expect(snapshot).rejects.toThrow(/did not answer/);
    worker.reply({ generation: 1, type: 'snapshot', requestId: id, checkpoint: CHECKPOINT });
    expect(client.pendingRequests).toBe(0);
  });

  it('fails every pending request when the worker crashes', async () => {
    const a = client.requestSnapshot();
    const b = client.encodeTestImage(0);
    worker.crash('out of memory');
    await expect(a).rejects.toThrow(/crashed/);
    await expect(b).rejects.toThrow(/crashed/);
    expect(client.status).toBe('error');
    expect(client.running).toBe(false);
  });

  it('a restore takes the position the worker reports and the history it is given (no splicing of two runs)', async () => {
    worker.reply({ generation: 1, type: 'metrics', steps: [step(1), step(2), step(3)], epoch: 0, samplesPerSecond: 10, numTensors: 5, programsPerStep: null });
    const restored = client.restore(CHECKPOINT);
    worker.reply({ generation: 1, type: 'restored', requestId: worker.lastRequestId(), position: { step: 12, epoch: 0 } });
    await restored;
    expect(client.step).toBe(12);
    expect(client.history.steps).toHaveLength(0);
    worker.reply({ generation: 1, type: 'metrics', steps: [step(13)], epoch: 0, samplesPerSecond: 10, numTensors: 5, programsPerStep: null });
    expect(client.history.steps.map((s) => s.step)).toEqual([13]);
  });

  it('a rollback rewinds the counter to the checkpoint and keeps later steps apart for the chart', () => {
    worker.reply({ generation: 1, type: 'metrics', steps: [1, 2, 3, 4, 5].map(step), epoch: 0, samplesPerSecond: 10, numTensors: 5, programsPerStep: null });
    worker.reply({ generation: 1, type: 'rolled-back', position: { step: 2, epoch: 0 }, message: 'went back to step 2' });
    expect(client.step).toBe(2);
    expect(client.running).toBe(false);
    expect(client.notice).toContain('step 2');
    expect(client.history.steps.map((s) => s.step)).toEqual([1, 2]);
    expect(client.history.discarded.map((s) => s.step)).toEqual([3, 4, 5]);
    expect(client.latest?.step).toBe(2);
  });

  it('sends the complete live settings', () => {
    client.setLive({ recon: 'mse', beta: 3, warmup: 0, lr: 0.2 });
    expect(worker.sent.at(-1)).toEqual({ type: 'live', settings: { recon: 'mse', beta: 3, warmup: 0, lr: 0.2 } });
  });
});
