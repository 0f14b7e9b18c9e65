/**
 * User Timing marks the benchmark reads (performance.getEntriesByName). They
 * cost next to nothing, carry no UI state, and show up in DevTools too.
 */
export const MARK_FIRST_STEP = 'vae:first-step';
export const MARK_EVAL = 'vae:eval';
export const MARK_TENSORS = 'vae:tensors';
export const MEASURE_DECODE = 'vae:decode-latency';

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

export function markTensorCount(step: number, numTensors: number): void {
  performance.mark(MARK_TENSORS, { detail: { step, numTensors } });
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
