/** The benchmark's GPU-program counter (src/lib/perf/gpu-programs.ts) and the wasm thread choice. */
import { describe, expect, it } from 'vitest';
import { ProgramsPerStep, programCounter, STEPS_AVERAGED } from '../../src/lib/perf/gpu-programs';
import { PREFERRED_WASM_THREADS, wasmThreadsFor } from '../../src/lib/training/wasm-threads';

/** A stand-in for tfjs's webgl backend: `programs` calls of gpgpu.executeProgram per step. */
function fakeWebgl() {
  const calls: unknown[] = [];
  return {
    calls,
    gpgpu: {
      executeProgram(this: unknown, ...args: unknown[]) {
        calls.push(this);
        return args.length;
      },
    },
  };
}

describe('programCounter', () => {
  it('counts calls of the webgl backend’s gpgpu.executeProgram, once installed, keeping `this` and the result', () => {
    const backend = fakeWebgl();
    const counter = programCounter(backend)!;
    expect(counter.count).toBe(0);
    expect(backend.gpgpu.executeProgram(1, 2)).toBe(2);
    backend.gpgpu.executeProgram();
    expect(counter.count).toBe(2);
    expect(backend.calls).toEqual([backend.gpgpu, backend.gpgpu]);
    // A second lookup reuses the same wrapper instead of wrapping twice.
    expect(programCounter(backend)).toBe(counter);
    backend.gpgpu.executeProgram();
    expect(counter.count).toBe(3);
  });

  it('counts the webgpu backend’s runWebGPUProgram, and is null for backends without programs', () => {
    const webgpu = { runWebGPUProgram: () => 'out' };
    const counter = programCounter(webgpu)!;
    expect(webgpu.runWebGPUProgram()).toBe('out');
    expect(counter.count).toBe(1);
    expect(programCounter({ wasm: {} })).toBeNull();
    expect(programCounter(null)).toBeNull();
  });
});

describe('ProgramsPerStep', () => {
  it('averages the programs run inside each step over the latest steps, not those run between steps', () => {
    const backend = fakeWebgl();
    const perStep = new ProgramsPerStep();
    expect(perStep.perStep()).toBeNull();
    const run = (n: number) => () => {
      for (let i = 0; i < n; i++) backend.gpgpu.executeProgram();
      return n;
    };
    expect(perStep.around(run(10), backend)).toBe(10);
    backend.gpgpu.executeProgram(); // a read-back between steps
    perStep.around(run(20), backend);
    expect(perStep.perStep()).toBe(15);
    for (let i = 0; i < STEPS_AVERAGED; i++) perStep.around(run(7), backend);
    expect(perStep.perStep()).toBe(7);
  });

  it('reports null on a backend that runs no GPU programs', () => {
    const perStep = new ProgramsPerStep();
    perStep.around(() => 0, fakeWebgl());
    perStep.around(() => 0, { wasm: {} });
    expect(perStep.perStep()).toBeNull();
  });
});

describe('wasmThreadsFor', () => {
  it('takes a whole number 1–8 from the knob (the query in the worker’s name)', () => {
    expect(wasmThreadsFor('threads=1', 8)).toBe(1);
    expect(wasmThreadsFor('threads=4', 2)).toBe(4);
    expect(wasmThreadsFor('x=1&threads=8', 2)).toBe(8);
  });

  it('ignores a bad knob; otherwise the preferred count, at most one per core, at least tfjs’s own (cores / 2, up to 8)', () => {
    for (const bad of ['threads=0', 'threads=9', 'threads=1.5', 'threads=-2', 'threads=two', 'threads=', '']) {
      expect(wasmThreadsFor(bad, 2)).toBe(PREFERRED_WASM_THREADS);
    }
    expect(wasmThreadsFor('', 1)).toBe(1);
    expect(wasmThreadsFor('', undefined)).toBe(1);
    expect(wasmThreadsFor('', 8)).toBe(Math.max(PREFERRED_WASM_THREADS, 4));
    expect(wasmThreadsFor('', 64)).toBe(8);
  });
});
