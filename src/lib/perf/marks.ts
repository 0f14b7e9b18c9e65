/**
 * User Timing marks the benchmark and the soak read (getEntriesByName, PerformanceObserver). They
 * cost next to nothing, carry no UI state, and show up in DevTools too.
 */
export const MARK_FIRST_STEP = 'vae:first-step';
export const MARK_EVAL = 'vae:eval';
export const MARK_TENSORS = 'vae:tensors';
/** The backend the worker started (detail: backend, wasmThreads). */
export const MARK_BACKEND = 'vae:backend';
export const MEASURE_DECODE = 'vae:decode-latency';
/** The worker's time to refresh every test code (detail: millis, step). */
export const MARK_CODES = 'vae:codes';
/** The worker's time to answer one posterior probe, grid included (detail: millis). */
export const MARK_POSTERIOR = 'vae:posterior';

let firstStepMarked = false;
let pendingInputTime: number | null = null;

export function markFirstStep(): void {
  if (firstStepMarked) return;
  firstStepMarked = true;
  performance.mark(MARK_FIRST_STEP);
}

export function markEval(detail: { epoch: number; step: number; recon: number; kl: number; negElbo: number }): void {
  performance.mark(MARK_EVAL, { detail });
}

/**
 * Arrives about ten times a second, so only the latest stays in the timeline:
 * a long session must not grow it without bound. Observers still see each one.
 */
export function markTensorCount(step: number, numTensors: number, programsPerStep: number | null = null): void {
  performance.clearMarks(MARK_TENSORS);
  performance.mark(MARK_TENSORS, { detail: { step, numTensors, programsPerStep } });
}

/** Each time a model is ready: which backend runs it and, on wasm, on how many threads. */
export function markBackend(detail: { backend: string; wasmThreads: number | null }): void {
  performance.clearMarks(MARK_BACKEND);
  performance.mark(MARK_BACKEND, { detail });
}

/** The time of the pointer or key event that asked for a new decode. */
export function noteDecodeRequest(eventTimeStamp: number): void {
  pendingInputTime = eventTimeStamp;
}

/** Called once the decoded pixels are in the canvas. */
export function noteDecoded(): void {
  if (pendingInputTime === null) return;
  performance.measure(MEASURE_DECODE, { start: pendingInputTime, end: performance.now() });
  pendingInputTime = null;
}

/**
 * How long the worker took for a live refresh (codes or posterior). Only the
 * latest stays in the timeline, like the tensor count; observers see each one.
 */
export function markRefresh(name: typeof MARK_CODES | typeof MARK_POSTERIOR, millis: number): void {
  performance.clearMarks(name);
  performance.mark(name, { detail: { millis } });
}
