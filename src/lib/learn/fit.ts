/**
 * Fitting one Gaussian Q = N(μ, σ²) to a mixture P by gradient descent on KL(P‖Q) ("forward",
 * mean-seeking: ends at P's mean and variance) or on KL(Q‖P) ("reverse", mode-seeking: settles on one
 * mode when the modes are well separated). Parameters are (μ, log σ) so σ stays positive.
 */
import { simpson } from './integrate';
import { HALF_LOG_TWO_PI } from './gaussian';
import { fromNats } from './units';
import type { InfoUnit } from './units';

export interface GaussianMixture1D {
  readonly weights: readonly number[];
  readonly means: readonly number[];
  readonly sds: readonly number[];
}

/** The single Gaussian being fitted, N(mu, exp(logSigma)²). */
export interface FitParams {
  readonly mu: number;
  readonly logSigma: number;
}

export type KlDirection = 'forward' | 'reverse';

/** ∂KL/∂μ and ∂KL/∂(log σ), in nats. */
export interface KlGradient {
  readonly mu: number;
  readonly logSigma: number;
}

export function assertMixture(m: GaussianMixture1D): void {
  const k = m.weights.length;
  if (k === 0 || m.means.length !== k || m.sds.length !== k) {
    throw new RangeError('A mixture needs equally many (≥ 1) weights, means and sds');
  }
  const weightSum = m.weights.reduce((a, b) => a + b, 0);
  if (m.weights.some((w) => !(w >= 0)) || Math.abs(weightSum - 1) > 1e-6) {
    throw new RangeError(`Mixture weights must be ≥ 0 and sum to 1 (sum is ${weightSum})`);
  }
  if (!m.means.every(Number.isFinite)) throw new RangeError('Mixture means must be finite');
  if (!m.sds.every((s) => s > 0 && Number.isFinite(s))) throw new RangeError('Mixture sds must be finite and > 0');
}

function componentLogDensities(x: number, m: GaussianMixture1D): number[] {
  return m.weights.map((w, k) => {
    const z = (x - m.means[k]) / m.sds[k];
    return Math.log(w) - HALF_LOG_TWO_PI - Math.log(m.sds[k]) - 0.5 * z * z;
  });
}

function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  if (max === -Infinity) return -Infinity;
  return max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0));
}

/** log p(x) for the mixture, via log-sum-exp so it stays finite far from every component. */
export function mixtureLogPdf(x: number, m: GaussianMixture1D): number {
  return logSumExp(componentLogDensities(x, m));
}

/** d/dx log p(x) = Σₖ rₖ(x)·(μₖ − x)/σₖ², with responsibilities rₖ computed stably. */
function mixtureScore(x: number, m: GaussianMixture1D): number {
  const logs = componentLogDensities(x, m);
  const total = logSumExp(logs);
  return logs.reduce((sum, l, k) => sum + Math.exp(l - total) * ((m.means[k] - x) / m.sds[k] ** 2), 0);
}

/** Mean and variance of the mixture (what forward-KL fitting converges to). */
export function mixtureMoments(m: GaussianMixture1D): { mean: number; variance: number } {
  const mean = m.weights.reduce((sum, w, k) => sum + w * m.means[k], 0);
  const variance = m.weights.reduce((sum, w, k) => sum + w * (m.sds[k] ** 2 + (m.means[k] - mean) ** 2), 0);
  return { mean, variance };
}

function fitLogPdf(x: number, q: FitParams): number {
  const z = (x - q.mu) * Math.exp(-q.logSigma);
  return -HALF_LOG_TWO_PI - q.logSigma - 0.5 * z * z;
}

/** Simpson over [lo, hi] with a spacing of at most `finestSd`/25 (capped so a frame stays cheap). */
function integrateOnGrid(f: (x: number) => number, lo: number, hi: number, finestSd: number): number {
  const intervals = Math.min(20_000, Math.max(400, Math.ceil((hi - lo) / (finestSd / 25))));
  return simpson(f, lo, hi, intervals);
}

/** [lo, hi] covering every mixture component to ±10 sd. */
function mixtureSupport(m: GaussianMixture1D): [number, number] {
  return [Math.min(...m.means.map((mu, k) => mu - 10 * m.sds[k])), Math.max(...m.means.map((mu, k) => mu + 10 * m.sds[k]))];
}

/** Forward KL(P‖Q) = ∫ p log(p/q), integrated on a grid over P's support. */
export function forwardKl(target: GaussianMixture1D, q: FitParams, unit: InfoUnit = 'nats'): number {
  assertMixture(target);
  const [lo, hi] = mixtureSupport(target);
  const integrand = (x: number) => {
    const logP = mixtureLogPdf(x, target);
    return Math.exp(logP) * (logP - fitLogPdf(x, q));
  };
  return fromNats(Math.max(0, integrateOnGrid(integrand, lo, hi, Math.min(...target.sds))), unit);
}

/** Reverse KL(Q‖P) = ∫ q log(q/p), integrated on a grid over Q's support (μ ± 10σ). */
export function reverseKl(target: GaussianMixture1D, q: FitParams, unit: InfoUnit = 'nats'): number {
  assertMixture(target);
  const sigma = Math.exp(q.logSigma);
  const integrand = (x: number) => {
    const logQ = fitLogPdf(x, q);
    return Math.exp(logQ) * (logQ - mixtureLogPdf(x, target));
  };
  const finest = Math.min(sigma, ...target.sds);
  return fromNats(Math.max(0, integrateOnGrid(integrand, q.mu - 10 * sigma, q.mu + 10 * sigma, finest)), unit);
}

/**
 * ∇ of forward KL. Only the cross-entropy −E_P[log q] depends on Q, and it needs just P's moments:
 * ∂/∂μ = (μ − m)/σ², ∂/∂log σ = 1 − (v + (m − μ)²)/σ². Zero exactly at μ = m, σ² = v.
 */
export function forwardKlGradient(target: GaussianMixture1D, q: FitParams): KlGradient {
  const { mean, variance } = mixtureMoments(target);
  const sigma2 = Math.exp(2 * q.logSigma);
  return { mu: (q.mu - mean) / sigma2, logSigma: 1 - (variance + (mean - q.mu) ** 2) / sigma2 };
}

/**
 * ∇ of reverse KL = −H(Q) − E_Q[log p]. With x = μ + σε (reparameterisation) and s(x) = (log p)'(x):
 * ∂/∂μ = −E_Q[s(x)], ∂/∂log σ = −1 − E_Q[s(x)(x − μ)]; both expectations on a grid over Q's support.
 */
export function reverseKlGradient(target: GaussianMixture1D, q: FitParams): KlGradient {
  assertMixture(target);
  const sigma = Math.exp(q.logSigma);
  const lo = q.mu - 10 * sigma;
  const hi = q.mu + 10 * sigma;
  const finest = Math.min(sigma, ...target.sds);
  const expectScore = (weight: (x: number) => number) =>
    integrateOnGrid((x) => Math.exp(fitLogPdf(x, q)) * mixtureScore(x, target) * weight(x), lo, hi, finest);
  return { mu: -expectScore(() => 1), logSigma: -1 - expectScore((x) => x - q.mu) };
}

export function klFor(direction: KlDirection, target: GaussianMixture1D, q: FitParams, unit: InfoUnit = 'nats'): number {
  return direction === 'forward' ? forwardKl(target, q, unit) : reverseKl(target, q, unit);
}

export function klGradientFor(direction: KlDirection, target: GaussianMixture1D, q: FitParams): KlGradient {
  return direction === 'forward' ? forwardKlGradient(target, q) : reverseKlGradient(target, q);
}

export interface FitState {
  readonly target: GaussianMixture1D;
  readonly q: FitParams;
  readonly iteration: number;
}

export interface FitStepOptions {
  /** Largest allowed length of one (Δμ, Δlog σ) step; longer steps are scaled down. */
  readonly maxStep?: number;
}

export interface FitStepResult {
  readonly state: FitState;
  /** KL in nats at the new parameters, for the direction that was stepped. */
  readonly kl: number;
  readonly gradient: KlGradient;
  readonly clipped: boolean;
}

/** Box that keeps Q on screen and σ in a sane range, measured in units of the target's own spread. */
function parameterBounds(target: GaussianMixture1D) {
  const { mean, variance } = mixtureMoments(target);
  const spread = Math.sqrt(variance);
  return {
    mu: [mean - 20 * spread, mean + 20 * spread] as const,
    logSigma: [Math.log(0.01 * Math.min(...target.sds)), Math.log(20 * spread)] as const,
  };
}

const clamp = (x: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, x));

/**
 * One gradient-descent step on the chosen KL. The step is clipped to `maxStep` and (μ, log σ) are
 * clamped to a box, and a non-finite gradient leaves Q where it is, so an animation can never NaN.
 * A start exactly at a symmetric mixture's centre is a stationary point of reverse KL; nudge it.
 */
export function fitStep(state: FitState, direction: KlDirection, lr: number, { maxStep = 0.5 }: FitStepOptions = {}): FitStepResult {
  if (!(lr >= 0 && Number.isFinite(lr))) throw new RangeError(`Learning rate must be finite and ≥ 0, got ${lr}`);
  const { target, q } = state;
  assertMixture(target);
  if (!(Number.isFinite(q.mu) && Number.isFinite(q.logSigma))) throw new RangeError('Q parameters must be finite');
  const raw = klGradientFor(direction, target, q);
  const gradient = Number.isFinite(raw.mu) && Number.isFinite(raw.logSigma) ? raw : { mu: 0, logSigma: 0 };
  let stepMu = -lr * gradient.mu;
  let stepLogSigma = -lr * gradient.logSigma;
  const length = Math.hypot(stepMu, stepLogSigma);
  const clipped = length > maxStep;
  if (clipped) {
    stepMu *= maxStep / length;
    stepLogSigma *= maxStep / length;
  }
  const bounds = parameterBounds(target);
  const next: FitParams = {
    mu: clamp(q.mu + stepMu, bounds.mu),
    logSigma: clamp(q.logSigma + stepLogSigma, bounds.logSigma),
  };
  return { state: { target, q: next, iteration: state.iteration + 1 }, kl: klFor(direction, target, next), gradient, clipped };
}
