// Pure judgement of a soak's samples: does anything grow after warm-up beyond
// what the page keeps on purpose?
//
// A leak-free page still grows in two ways while it trains (heap-snapshot diffs of
// the running page in Debian's Chromium, hidden=64 and hidden=256,128):
//  - its metric history: per step one StepMetrics (kept for the chart and the CSV)
//    and three chart points, 4.1 objects and 9.2 boxed numbers, 246 bytes a step
//    (a synthetic copy of the same objects in a blank page: 199 bytes). In the first
//    1,500 steps, while the browser's capped timing buffers (long tasks, frames) fill,
//    non-code data grew 315 to 341 bytes a step;
//  - compiled code: V8 keeps optimizing hot paths for minutes (4.5 to 15 KB a second
//    measured). The soak measures this one in each run from the two snapshots.
/** Non-code bytes a step may add: the history's 246 plus the browser's bookkeeping, the most measured plus a little. */
export const DATA_BYTES_PER_STEP = 350;
/** Room for one snapshot's scatter (objects of a message in flight); four smoke runs agreed within ±13 bytes a step. */
export const DATA_MARGIN = 64 * 1024;
/** Room on the forced-GC trend (bytes per step), on top of three standard errors of its own fit. */
export const SLOPE_MARGIN = 50;
/** Room for two forced-GC readings' scatter: a reading's transient objects reach ~0.9 MB. */
export const END_TO_END_MARGIN = 1.5 * 1024 * 1024;
/** Warm-up: the first 10% of the steps or the first epoch's evaluation, whichever is later. */
export const WARMUP_SHARE = 0.1;

/** The step after which nothing may grow; null until the first evaluation was seen. */
export function warmupEnd(steps, evals) {
  return evals.length ? Math.max(Math.ceil(steps * WARMUP_SHARE), evals[0].step) : null;
}

/** Least-squares slope of y over x, with its standard error. */
export function fitSlope(points) {
  const n = points.length;
  if (n < 3) return { slope: 0, stderr: Infinity };
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  if (den === 0) return { slope: 0, stderr: Infinity };
  const slope = num / den;
  const residuals = points.reduce((s, p) => s + (p.y - my - slope * (p.x - mx)) ** 2, 0);
  return { slope, stderr: Math.sqrt(residuals / (n - 2) / den) };
}

const round = (x) => Math.round(x * 10) / 10;

/**
 * warmup: the step judging starts at; tensors: [{step, numTensors}];
 * heap: [{step, seconds, js, embedder}] forced-GC readings;
 * snapshots: {first, last}, each {step, data, code} or null.
 * Returns the figures to print and the failures (none when flat).
 */
export function judge({ warmup, tensors, heap, snapshots }) {
  const failures = [];
  if (warmup === null) return { figures: {}, failures: ['no epoch evaluation was seen, so warm-up never ended'] };

  const counts = tensors.filter((m) => m.step >= warmup).map((m) => m.numTensors);
  const figures = { warmup_steps: warmup, tensor_marks: counts.length, tensors_min: Math.min(...counts), tensors_max: Math.max(...counts) };
  if (counts.length < 2) failures.push(`only ${counts.length} tensor-count marks after warm-up`);
  else if (figures.tensors_min !== figures.tensors_max) failures.push(`worker tensor count changed after warm-up: ${figures.tensors_min}..${figures.tensors_max}`);

  const { first: snapA, last: snapB } = snapshots;
  const h = heap.filter((s) => s.step >= warmup);
  if (!snapA || !snapB || snapB.step <= snapA.step || h.length < 5) {
    failures.push(`too few heap readings after warm-up (${h.length} samples, ${snapA && snapB ? 2 : 0} snapshots)`);
    return { figures, failures };
  }

  // Data: whatever is not compiled code may grow by the history's cost and no more.
  const snapSteps = snapB.step - snapA.step;
  const dataGrowth = snapB.data - snapA.data;
  const dataLimit = DATA_BYTES_PER_STEP * snapSteps + DATA_MARGIN;
  const codePerStep = Math.max(0, (snapB.code - snapA.code) / snapSteps);
  if (dataGrowth > dataLimit) failures.push(`page data grew ${dataGrowth} bytes over ${snapSteps} steps, over the ${dataLimit} its metric history accounts for`);

  // The whole heap, read often: its trend may be the history plus the code this run compiled.
  const { slope: heapSlope, stderr } = fitSlope(h.map((s) => ({ x: s.step, y: s.js })));
  const slopeLimit = DATA_BYTES_PER_STEP + codePerStep + SLOPE_MARGIN + 3 * stderr;
  const first = h[0];
  const last = h.at(-1);
  const growth = last.js - first.js;
  const growthLimit = (DATA_BYTES_PER_STEP + codePerStep) * (last.step - first.step) + END_TO_END_MARGIN;
  if (heapSlope > slopeLimit) failures.push(`page heap grows ${round(heapSlope)} bytes/step, over the ${round(slopeLimit)} the history and compiled code account for`);
  if (growth > growthLimit) failures.push(`page heap grew ${growth} bytes after warm-up, over the allowed ${Math.round(growthLimit)}`);

  Object.assign(figures, {
    heap_samples: h.length,
    heap_first: first.js,
    heap_last: last.js,
    heap_growth: growth,
    heap_growth_limit: Math.round(growthLimit),
    heap_slope_bytes_per_step: round(heapSlope),
    heap_slope_stderr: round(stderr),
    heap_slope_limit: round(slopeLimit),
    data_growth_bytes_per_step: round(dataGrowth / snapSteps),
    data_growth_limit_bytes_per_step: round(dataLimit / snapSteps),
    code_growth_bytes_per_step: round(codePerStep),
    embedder_first: first.embedder,
    embedder_last: last.embedder,
    embedder_slope_bytes_per_step: round(fitSlope(h.map((s) => ({ x: s.step, y: s.embedder }))).slope),
  });
  return { figures, failures };
}
