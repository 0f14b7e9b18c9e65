import * as tf from '@tensorflow/tfjs-core';

/**
 * The true posterior p(z|x) ∝ p(x|z)·p(z) of a 2-D latent, on a grid.
 *
 * log p(x|z) comes from a function (the decoder plus the app's own
 * reconstruction term, or a hand-built model in tests), so the same code
 * serves both. Every evaluation is one fixed-shape batch: GRID² points for
 * the posterior plus Q_GRID² points spread over q(z|x) for E_q[log p(x|z)].
 * The reductions run in float64 on the read-back values: log p(x) is a
 * difference of numbers near −500, where float32 sums would lose the gap.
 */

/** Cells per side of the posterior grid. */
export const GRID = 64;
/** Cells per side of the grid over q(z|x) used for E_q[log p(x|z)] (midpoint rule over μ ± Q_SPAN·σ). */
export const Q_GRID = 24;
const Q_SPAN = 6;
/** Share of the posterior's mass in the outer ring of cells above which the window is widened. */
const EDGE_MASS_LIMIT = 1e-3;
const MAX_PASSES = 5;
const LOG_2PI = Math.log(2 * Math.PI);

/** log p(x|z) for a batch of z's [n, 2] → [n]. Called inside tf.tidy. */
export type LogLikelihood = (z: tf.Tensor2D) => tf.Tensor1D;

/** A square window of the latent plane: centre ± half on both axes. */
export interface GridWindow {
  cx: number;
  cy: number;
  half: number;
}

export interface PosteriorGrid {
  /** log p(x) by log-sum-exp quadrature over the grid (nats). */
  logPx: number;
  /** E_q[log p(x|z)] − KL(q ‖ p(z)) (nats). */
  elbo: number;
  /** log p(x) − ELBO = KL(q(z|x) ‖ p(z|x)) (nats). */
  gap: number;
  /** E_q[log p(x|z)] (nats). */
  expectedLogLik: number;
  /** KL(q(z|x) ‖ p(z)), closed form (nats). */
  kl: number;
  window: GridWindow;
  /** Cells per side of `mass` (GRID). */
  side: number;
  /** GRID × GRID posterior mass per cell (sums to 1); row 0 is the top (largest z_y), columns go with z_x. */
  mass: Float32Array;
  /** Posterior mass in the outer ring of cells: large means some mass may lie outside the window. */
  edgeMass: number;
  /** True when the window could not be widened enough to hold the posterior's mass. */
  cutOff: boolean;
  /** Posterior mean and standard deviations on the grid. */
  mean: [number, number];
  std: [number, number];
  passes: number;
}

export interface PosteriorOptions {
  /** Where to look first (e.g. the previous result's window); else around q's mean. */
  hint?: GridWindow;
  /** Most windows tried (each one decoder batch); default 5. */
  maxPasses?: number;
}

/** The points of both grids, in one [GRID² + Q_GRID², 2] array. */
function gridPoints(window: GridWindow, mu: number[], sigma: number[]): Float32Array {
  const n = GRID * GRID;
  const out = new Float32Array((n + Q_GRID * Q_GRID) * 2);
  const cell = (2 * window.half) / GRID;
  for (let r = 0; r < GRID; r++) {
    const y = window.cy + window.half - (r + 0.5) * cell;
    for (let c = 0; c < GRID; c++) {
      const i = (r * GRID + c) * 2;
      out[i] = window.cx - window.half + (c + 0.5) * cell;
      out[i + 1] = y;
    }
  }
  for (let r = 0; r < Q_GRID; r++) {
    for (let c = 0; c < Q_GRID; c++) {
      const i = (n + r * Q_GRID + c) * 2;
      out[i] = mu[0] + sigma[0] * qNode(c);
      out[i + 1] = mu[1] + sigma[1] * qNode(r);
    }
  }
  return out;
}

/** Standardised position of the k-th q-grid node (midpoints of Q_GRID cells over ±Q_SPAN). */
function qNode(k: number): number {
  return -Q_SPAN + ((k + 0.5) * 2 * Q_SPAN) / Q_GRID;
}

async function evaluate(logLik: LogLikelihood, points: Float32Array): Promise<Float64Array> {
  const values = tf.tidy(() => logLik(tf.tensor2d(points, [points.length / 2, 2])));
  try {
    return Float64Array.from(await values.data());
  } finally {
    values.dispose();
  }
}

/** KL(N(μ, diag σ²) ‖ N(0, I)), summed over dimensions. */
export function klToPrior(mu: number[], logVar: number[]): number {
  let kl = 0;
  for (let d = 0; d < mu.length; d++) kl += 0.5 * (mu[d] * mu[d] + Math.exp(logVar[d]) - 1 - logVar[d]);
  return kl;
}

/** E_q[log p(x|z)] by the midpoint rule on the q grid, weights normalised to sum 1. */
function expectedUnderQ(values: Float64Array, offset: number): number {
  let weightSum = 0;
  let total = 0;
  for (let r = 0; r < Q_GRID; r++) {
    for (let c = 0; c < Q_GRID; c++) {
      const w = Math.exp(-0.5 * (qNode(r) ** 2 + qNode(c) ** 2));
      weightSum += w;
      total += w * values[offset + r * Q_GRID + c];
    }
  }
  return total / weightSum;
}

interface GridRead {
  logPx: number;
  mass: Float32Array;
  edgeMass: number;
  mean: [number, number];
  std: [number, number];
}

function readGrid(values: Float64Array, points: Float32Array, window: GridWindow): GridRead {
  const n = GRID * GRID;
  const cell = (2 * window.half) / GRID;
  const joint = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    joint[i] = values[i] - 0.5 * (x * x + y * y) - LOG_2PI;
    if (joint[i] > max) max = joint[i];
  }
  if (!Number.isFinite(max)) throw new Error('the likelihood is not finite anywhere on the grid');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(joint[i] - max);
  const mass = new Float32Array(n);
  let edgeMass = 0;
  let mx = 0;
  let my = 0;
  let mxx = 0;
  let myy = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.exp(joint[i] - max) / sum;
    mass[i] = p;
    const r = Math.floor(i / GRID);
    const c = i % GRID;
    if (r === 0 || c === 0 || r === GRID - 1 || c === GRID - 1) edgeMass += p;
    const x = points[2 * i];
    const y = points[2 * i + 1];
    mx += p * x;
    my += p * y;
    mxx += p * x * x;
    myy += p * y * y;
  }
  return {
    logPx: max + Math.log(sum) + 2 * Math.log(cell),
    mass,
    edgeMass,
    mean: [mx, my],
    std: [Math.sqrt(Math.max(0, mxx - mx * mx)), Math.sqrt(Math.max(0, myy - my * my))],
  };
}

/** The first window: around q's mean, wide enough for q and for a posterior a few times wider. */
export function initialWindow(mu: number[], sigma: number[]): GridWindow {
  return { cx: mu[0], cy: mu[1], half: Math.max(4 * Math.max(sigma[0], sigma[1]), 0.5) };
}

/**
 * The next window to try, or null if this one holds the posterior well:
 * widen (around the posterior's mean) while mass sits on the border; narrow
 * when the posterior fills only a small part of it (so it is resolved), but
 * keep q's 3σ box in view. The factor 2 between narrowing (at 12 spreads) and
 * its target (6 spreads) keeps a widened window from being narrowed again.
 */
function nextWindow(window: GridWindow, read: GridRead, mu: number[], sigma: number[]): GridWindow | null {
  if (read.edgeMass > EDGE_MASS_LIMIT) return { cx: read.mean[0], cy: read.mean[1], half: window.half * 2 };
  const spread = Math.max(read.std[0], read.std[1]);
  const cell = (2 * window.half) / GRID;
  if (window.half <= 12 * spread && spread >= 2 * cell) return null;
  const qReach = Math.max(Math.abs(mu[0] - read.mean[0]) + 3 * sigma[0], Math.abs(mu[1] - read.mean[1]) + 3 * sigma[1]);
  const half = Math.max(6 * spread, qReach);
  // Not worth another pass for a small change.
  if (half > window.half * 0.7) return null;
  return { cx: read.mean[0], cy: read.mean[1], half };
}

/**
 * The posterior of one image on a GRID × GRID window, log p(x), the ELBO of
 * q = N(μ, diag exp(logVar)) and their gap. Needs a 2-D latent.
 */
export async function posteriorGrid(logLik: LogLikelihood, mu: number[], logVar: number[], options: PosteriorOptions = {}): Promise<PosteriorGrid> {
  if (mu.length !== 2 || logVar.length !== 2) throw new Error(`the exact posterior is drawn for a 2-D latent only (this one has ${mu.length})`);
  if (![...mu, ...logVar].every(Number.isFinite)) throw new Error('q(z|x) is not finite');
  const sigma = logVar.map((v) => Math.exp(0.5 * v));
  const maxPasses = options.maxPasses ?? MAX_PASSES;
  let window = options.hint && options.hint.half > 0 ? options.hint : initialWindow(mu, sigma);
  let values: Float64Array;
  let read: GridRead;
  let passes = 0;
  let cutOff = false;
  for (;;) {
    const points = gridPoints(window, mu, sigma);
    values = await evaluate(logLik, points);
    read = readGrid(values, points, window);
    passes++;
    const next = nextWindow(window, read, mu, sigma);
    if (!next) break;
    if (passes >= maxPasses) {
      cutOff = read.edgeMass > EDGE_MASS_LIMIT;
      break;
    }
    window = next;
  }
  const expectedLogLik = expectedUnderQ(values, GRID * GRID);
  const kl = klToPrior(mu, logVar);
  const elbo = expectedLogLik - kl;
  return {
    logPx: read.logPx,
    elbo,
    gap: read.logPx - elbo,
    expectedLogLik,
    kl,
    window,
    side: GRID,
    mass: read.mass,
    edgeMass: read.edgeMass,
    cutOff,
    mean: read.mean,
    std: read.std,
    passes,
  };
}
