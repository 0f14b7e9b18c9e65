/**
 * GPU programs per training step, for the benchmark (worker only: it imports tfjs).
 * On a real GPU a small model's step is bound by how many programs it launches,
 * so this count carries over from a software renderer to real hardware.
 *
 * Counting rule, shared with the stock baseline (tests/bench/baseline/baseline.js):
 * calls to the webgl backend's `gpgpu.executeProgram` (or the webgpu backend's
 * `runWebGPUProgram`) made during one call of the step, averaged over the latest
 * STEPS_AVERAGED steps. Read-backs after the step are not counted.
 */
import * as tf from '@tensorflow/tfjs-core';

export const STEPS_AVERAGED = 20;

interface Counted {
  count: number;
}

/** What the counter looks for on a backend object. */
interface ProgramRunner {
  gpgpu?: { executeProgram?: (...args: unknown[]) => unknown };
  runWebGPUProgram?: (...args: unknown[]) => unknown;
}

const counters = new WeakMap<object, Counted>();

/** Wraps `owner[method]` once so each call adds one to the returned counter. */
function wrap(owner: Record<string, unknown>, method: string): Counted {
  const known = counters.get(owner);
  if (known) return known;
  const counted: Counted = { count: 0 };
  const original = owner[method] as (...args: unknown[]) => unknown;
  owner[method] = function (this: unknown, ...args: unknown[]) {
    counted.count++;
    return original.apply(this, args);
  };
  counters.set(owner, counted);
  return counted;
}

/** The program counter of a backend object (installed on first use), or null when it runs no GPU programs. */
export function programCounter(backend: unknown): Counted | null {
  const runner = backend as ProgramRunner | null;
  if (runner?.gpgpu && typeof runner.gpgpu.executeProgram === 'function') return wrap(runner.gpgpu as Record<string, unknown>, 'executeProgram');
  if (runner && typeof runner.runWebGPUProgram === 'function') return wrap(runner as unknown as Record<string, unknown>, 'runWebGPUProgram');
  return null;
}

/** Counts the programs of each step run through `around`; `perStep` is their recent mean. */
export class ProgramsPerStep {
  readonly #recent: number[] = [];

  around<T>(step: () => T, backend: unknown = tf.backend()): T {
    const counter = programCounter(backend);
    if (!counter) {
      this.#recent.length = 0;
      return step();
    }
    const before = counter.count;
    const result = step();
    this.#recent.push(counter.count - before);
    if (this.#recent.length > STEPS_AVERAGED) this.#recent.shift();
    return result;
  }

  /** Mean programs per step over the latest steps; null when the backend runs none (wasm, cpu) or no step ran yet. */
  perStep(): number | null {
    if (this.#recent.length === 0) return null;
    return this.#recent.reduce((a, b) => a + b, 0) / this.#recent.length;
  }
}
