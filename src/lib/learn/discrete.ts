import { fromNats } from './units';
import type { InfoUnit } from './units';

/** Default slack on Σp = 1, so hand-typed inputs such as [0.33, 0.33, 0.34] are accepted. */
export const DISTRIBUTION_TOLERANCE = 1e-6;

/** Why `p` is not a probability vector, or null when it is one. */
export function distributionError(p: readonly number[], tolerance = DISTRIBUTION_TOLERANCE): string | null {
  if (p.length === 0) return 'it has no outcomes';
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i])) return `entry ${i} is ${p[i]}, not a finite number`;
    if (p[i] < 0) return `entry ${i} is negative (${p[i]})`;
  }
  const sum = p.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > tolerance) return `its entries sum to ${sum}, not 1`;
  return null;
}

export function isDistribution(p: readonly number[], tolerance = DISTRIBUTION_TOLERANCE): boolean {
  return distributionError(p, tolerance) === null;
}

/** Throws a RangeError naming the argument (e.g. "Q is not a probability distribution: entry 2 is negative"). */
export function assertDistribution(p: readonly number[], name = 'P', tolerance = DISTRIBUTION_TOLERANCE): void {
  const error = distributionError(p, tolerance);
  if (error !== null) throw new RangeError(`${name} is not a probability distribution: ${error}`);
}

/** Scales non-negative weights so they sum to 1. */
export function normalize(weights: readonly number[]): number[] {
  if (weights.length === 0) throw new RangeError('Cannot normalize an empty list of weights');
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`Weight ${i} must be a finite number ≥ 0, got ${w}`);
  });
  const largest = weights.reduce((a, b) => Math.max(a, b), 0);
  if (largest === 0) throw new RangeError('Cannot normalize weights that are all zero');
  // Dividing by the largest first keeps the sum finite (1e308 + 1e308 would be ∞ and every share 0).
  const scaled = weights.map((w) => w / largest);
  const sum = scaled.reduce((a, b) => a + b, 0);
  return scaled.map((w) => w / sum);
}

function assertSameLength(p: readonly number[], q: readonly number[]): void {
  if (p.length !== q.length) {
    throw new RangeError(`P and Q must have the same number of outcomes (got ${p.length} and ${q.length})`);
  }
}

/** Self-information I(x) = −log p(x): 0 for a certain event, ∞ for an impossible one. */
export function information(p: number, unit: InfoUnit = 'nats'): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`A probability must lie in [0, 1], got ${p}`);
  if (p === 1) return 0; // avoid −0
  return fromNats(-Math.log(p), unit);
}

/** H(P) = −Σ p log p, with 0·log 0 = 0. */
export function entropy(p: readonly number[], unit: InfoUnit = 'nats'): number {
  assertDistribution(p, 'P');
  let nats = 0;
  for (const pi of p) if (pi > 0) nats -= pi * Math.log(pi);
  return fromNats(nats, unit);
}

/** H(P, Q) = −Σ p log q: ∞ when Q(x) = 0 < P(x); outcomes with P(x) = 0 contribute 0. */
export function crossEntropy(p: readonly number[], q: readonly number[], unit: InfoUnit = 'nats'): number {
  assertDistribution(p, 'P');
  assertDistribution(q, 'Q');
  assertSameLength(p, q);
  let nats = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    if (q[i] === 0) return Infinity;
    nats -= p[i] * Math.log(q[i]);
  }
  return fromNats(nats, unit);
}

/** One outcome's share of KL(P‖Q), in nats; the convention cases are handled here once. */
function klContributionNats(p: number, q: number): number {
  if (p === 0) return 0;
  if (q === 0) return Infinity;
  // p·(log p − log q) rather than p·log(p/q): identical inputs give exactly 0.
  return p * (Math.log(p) - Math.log(q));
}

/**
 * KL(P‖Q) = Σ p log(p/q) ≥ 0. Terms with P(x) = 0 contribute 0; Q(x) = 0 < P(x) gives ∞.
 * KL(P‖P) is exactly 0.
 */
export function klDivergence(p: readonly number[], q: readonly number[], unit: InfoUnit = 'nats'): number {
  assertDistribution(p, 'P');
  assertDistribution(q, 'Q');
  assertSameLength(p, q);
  let nats = 0;
  for (let i = 0; i < p.length; i++) nats += klContributionNats(p[i], q[i]);
  // KL ≥ 0 (Jensen); inputs summing to 1 ± ε can leave a rounding residue just below 0.
  return fromNats(Math.max(0, nats), unit);
}

/** KL between categorical distributions is exactly the discrete KL. */
export const categoricalKl = klDivergence;

/** KL(Bernoulli(p) ‖ Bernoulli(q)) = p log(p/q) + (1−p) log((1−p)/(1−q)). */
export function bernoulliKl(p: number, q: number, unit: InfoUnit = 'nats'): number {
  for (const [name, v] of [['p', p], ['q', q]] as const) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`Bernoulli ${name} must lie in [0, 1], got ${v}`);
  }
  const nats = klContributionNats(p, q) + klContributionNats(1 - p, 1 - q);
  return fromNats(Math.max(0, nats), unit);
}

/** One row of the worked KL table. */
export interface KlTermRow {
  readonly index: number;
  readonly p: number;
  readonly q: number;
  /** p/q: ∞ when q = 0 < p, NaN (shown as '—') when both are 0. */
  readonly ratio: number;
  /** log(p/q) in the requested unit: −∞ when p = 0 < q. */
  readonly logRatio: number;
  /** p·log(p/q) in the requested unit: 0 when p = 0 (convention), ∞ when q = 0 < p. */
  readonly contribution: number;
}

/** Why a KL table totals ∞: the first outcome that P can produce but Q calls impossible. */
export interface KlInfiniteReason {
  readonly index: number;
  readonly p: number;
  readonly message: string;
}

export interface KlTable {
  readonly rows: readonly KlTermRow[];
  /** Equal to klDivergence(P, Q, unit). */
  readonly total: number;
  readonly unit: InfoUnit;
  readonly infinite: KlInfiniteReason | null;
}

/** Per-outcome breakdown of KL(P‖Q), for the worked-example table. */
export function klTerms(p: readonly number[], q: readonly number[], unit: InfoUnit = 'nats'): KlTable {
  const total = klDivergence(p, q, unit); // validates both inputs
  const rows = p.map((pi, index): KlTermRow => {
    const qi = q[index];
    const logRatio = pi === 0 && qi === 0 ? NaN : fromNats(Math.log(pi) - Math.log(qi), unit);
    return { index, p: pi, q: qi, ratio: pi / qi, logRatio, contribution: fromNats(klContributionNats(pi, qi), unit) };
  });
  const culprit = rows.find((row) => row.p > 0 && row.q === 0);
  const infinite = culprit
    ? {
        index: culprit.index,
        p: culprit.p,
        message: `Outcome ${culprit.index} has P = ${culprit.p} but Q = 0: Q calls impossible something P produces, so KL(P‖Q) = ∞.`,
      }
    : null;
  return { rows, total, unit, infinite };
}
