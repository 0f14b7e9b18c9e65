/** Live encoding of a drawing: one request in flight at most, throttled, and bad input never sent. */
import { describe, expect, it } from 'vitest';
import { Coalescer, type Clock } from '../../src/lib/latent/coalescer';
import { TrainingClient, type WorkerPort } from '../../src/lib/training/client.svelte';
import type { FromWorker, ToWorker } from '../../src/lib/training/protocol';
import { PIXELS } from '../../src/lib/data/pack';

class FakeClock implements Clock {
  time = 0;
  timers: { at: number; callback: () => void; id: number }[] = [];
  #next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    this.time += ms;
    for (const due of this.timers.filter((t) => t.at <= this.time)) {
      this.timers = this.timers.filter((t) => t !== due);
      due.callback();
    }
  }
}

/** A job whose runs we settle by hand; `state` is what each run reads when it starts. */
function harness() {
  const clock = new FakeClock();
  let state = 0;
  const started: number[] = [];
  const pending: ((value: number) => void)[] = [];
  const results: number[] = [];
  const coalescer = new Coalescer<number>(
    () => {
      started.push(state);
      return new Promise<number>((resolve) => pending.push(resolve));
    },
    (outcome) => {
      if (outcome.ok) results.push(outcome.value);
    },
    100,
    clock,
  );
  const settle = async (value: number) => {
    pending.shift()!(value);
    await Promise.resolve();
    await Promise.resolve();
  };
  return { clock, coalescer, started, results, settle, setState: (v: number) => (state = v) };
}

describe('Coalescer', () => {
  it('never has two runs in flight; requests made meanwhile collapse into one run of the latest state', async () => {
    const h = harness();
    h.setState(1);
    h.coalescer.request();
    expect(h.started).toEqual([1]);
    for (let s = 2; s <= 20; s++) {
      h.setState(s);
      h.coalescer.request();
      h.clock.advance(30);
    }
    expect(h.started).toEqual([1]); // still one in flight
    await h.settle(10);
    expect(h.results).toEqual([10]);
    expect(h.started).toEqual([1, 20]); // the interval had passed: the latest state goes at once
    await h.settle(11);
    expect(h.started).toEqual([1, 20]); // nothing new was asked for
  });

  it('waits out the interval between runs unless the stroke ended', async () => {
    const h = harness();
    h.coalescer.request();
    await h.settle(1);
    h.clock.advance(40);
    h.coalescer.request();
    expect(h.started).toHaveLength(1);
    h.clock.advance(59);
    expect(h.started).toHaveLength(1);
    h.clock.advance(1);
    expect(h.started).toHaveLength(2);
    await h.settle(2);
    h.coalescer.request(true); // pointerup: no wait
    expect(h.started).toHaveLength(3);
  });

  it('cancel drops what was asked for, and the result of a run already under way', async () => {
    const h = harness();
    h.coalescer.request();
    h.coalescer.request();
    h.coalescer.cancel();
    await h.settle(5);
    expect(h.results).toEqual([]);
    expect(h.started).toHaveLength(1);
    expect(h.coalescer.inFlight).toBe(false);
  });

  it('a job with nothing to send leaves nothing in flight', () => {
    const clock = new FakeClock();
    const coalescer = new Coalescer<number>(() => null, () => {}, 100, clock);
    coalescer.request(true);
    expect(coalescer.inFlight).toBe(false);
  });
});

describe('TrainingClient.encodePixels', () => {
  function client() {
    const sent: ToWorker[] = [];
    const port: WorkerPort = {
      postMessage: (m) => void sent.push(m),
      onmessage: null,
      onerror: null,
      terminate: () => {},
    };
    return { sent, port, client: new TrainingClient(port) };
  }

  it('refuses NaN, out-of-range values and a wrong size without sending anything', async () => {
    const { sent, client: c } = client();
    const nan = new Float32Array(PIXELS);
    nan[7] = NaN;
    await expect(c.encodePixels(nan)).rejects.toThrow('pixel 7 is not a finite number');
    await expect(c.encodePixels(new Float32Array(PIXELS).fill(1.5))).rejects.toThrow('outside [0, 1]');
    await expect(c.encodePixels(new Float32Array(10))).rejects.toThrow('784 pixels');
    expect(sent).toEqual([]);
    expect(c.pendingRequests).toBe(0);
  });

  it('sends good pixels as one request and settles it with the reply', async () => {
    const { sent, port, client: c } = client();
    const pixels = new Float32Array(PIXELS).fill(0.5);
    const encoded = c.encodePixels(pixels);
    expect(sent).toHaveLength(1);
    const request = sent[0];
    if (request.type !== 'encode-pixels') throw new Error(request.type);
    expect(Array.from(request.pixels)).toEqual(Array.from(pixels));
    const encoding = { mu: [0.1, -0.2], logVar: [0, 0], recon: 12, reconstruction: new Float32Array(PIXELS) };
    port.onmessage?.({ data: { generation: 0, type: 'encoded-pixels', requestId: request.requestId, encoding } as FromWorker } as MessageEvent<FromWorker>);
    await expect(encoded).resolves.toEqual(encoding);
    expect(c.pendingRequests).toBe(0);
  });
});
