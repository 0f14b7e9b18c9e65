/**
 * How many threads the wasm backend's matrix kernels (XNNPACK) run on. Worker
 * only; the wasm package itself is passed in by backend.ts once it has loaded,
 * so nothing here pulls it in.
 *
 * tfjs caps the count at navigator.hardwareConcurrency / 2 (it assumes two
 * hardware threads per core), read once when its wasm module starts: on a
 * 2-core machine that is 1 thread whatever setThreadsCount asks. So while the
 * backend starts, the worker reports enough cores for the count chosen here.
 */
import * as tf from '@tensorflow/tfjs-core';

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

/**
 * The count where the machine has the cores for it. Measured on 2 cores with
 * tests/bench/threads.mjs (README, "Performance"): 1 thread trained faster than
 * 2 in both runs (the second thread competes with the page and the browser),
 * so the app keeps tfjs's own choice there; 2 threads only shortened the
 * decode-latency tail.
 */
export const PREFERRED_WASM_THREADS = 1;
/** Most threads a `threads` knob may ask for (tfjs starts 8 pthread workers; more would be made on the fly). */
export const MAX_WASM_THREADS = 8;

let loaded: WasmModule | null = null;
let realCores: number | undefined;

/**
 * The count for this worker. `knob` is the query after a '?' in the worker's
 * name (the benchmark sets `threads=N`, a whole number 1–8, to compare counts;
 * the page never does). Otherwise PREFERRED_WASM_THREADS, never more than the
 * cores the browser reports, and never fewer than tfjs's own choice (cores / 2).
 */
export function wasmThreadsFor(knob: string, cores: number | undefined): number {
  const asked = new URLSearchParams(knob).get('threads');
  if (asked !== null && /^\d+$/.test(asked)) {
    const n = Number(asked);
    if (n >= 1 && n <= MAX_WASM_THREADS) return n;
  }
  const known = cores && cores > 0 ? cores : 1;
  return Math.max(1, Math.min(known, Math.max(PREFERRED_WASM_THREADS, Math.floor(known / 2)), MAX_WASM_THREADS));
}

/** Sets the thread count before the wasm backend starts (tfjs reads it once, at start); returns it. */
export function configureWasmThreads(wasm: WasmModule): number {
  loaded = wasm;
  const scope = globalThis as { name?: string; navigator?: { hardwareConcurrency?: number } };
  realCores ??= scope.navigator?.hardwareConcurrency;
  const knob = (scope.name ?? '').split('?')[1] ?? '';
  const threads = wasmThreadsFor(knob, realCores);
  wasm.setThreadsCount(threads);
  // Lift tfjs's cores / 2 cap to the count chosen (see the note at the top).
  if (scope.navigator && (realCores ?? 0) < 2 * threads) {
    Object.defineProperty(scope.navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  }
  return threads;
}

/** Threads the running wasm backend actually uses (1 without cross-origin isolation); null on other backends. */
export function wasmThreadsInUse(): number | null {
  if (!loaded || tf.getBackend() !== 'wasm') return null;
  try {
    return loaded.getThreadsCount();
  } catch {
    return null;
  }
}
