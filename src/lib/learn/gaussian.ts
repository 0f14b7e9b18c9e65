import { cholesky, logDetFromCholesky, solveLower } from './linalg';
import type { Matrix } from './linalg';
import { fromNats } from './units';
import type { InfoUnit } from './units';

/** ½·log(2π): the normalising constant of a unit-variance Gaussian, in nats. */
export const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** A univariate Gaussian N(mean, sd²), parameterised by its standard deviation. */
export interface Gaussian1D {
  readonly mean: number;
  readonly sd: number;
}

/** A multivariate Gaussian N(mean, cov) with a full covariance matrix. */
export interface GaussianND {
  readonly mean: readonly number[];
  readonly cov: Matrix;
}

function assertGaussian1D(g: Gaussian1D, name: string): void {
  if (!Number.isFinite(g.mean)) throw new RangeError(`${name}.mean must be finite, got ${g.mean}`);
  if (!(g.sd > 0 && Number.isFinite(g.sd))) throw new RangeError(`${name}.sd must be finite and > 0, got ${g.sd}`);
}

/** log N(x; mean, sd²) in nats, computed in log space so far tails never underflow to −∞. */
export function gaussianLogPdf(x: number, g: Gaussian1D): number {
  const z = (x - g.mean) / g.sd;
  return -HALF_LOG_TWO_PI - Math.log(g.sd) - 0.5 * z * z;
}

/** KL(N(μ₁,σ₁²) ‖ N(μ₂,σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁−μ₂)²)/(2σ₂²) − ½. */
export function gaussianKl(p: Gaussian1D, q: Gaussian1D, unit: InfoUnit = 'nats'): number {
  assertGaussian1D(p, 'P');
  assertGaussian1D(q, 'Q');
  // Written with ratios to σ₂ so identical inputs give log 1 + (1 + 0 − 1)/2 = exactly 0.
  const sdRatio = p.sd / q.sd;
  const meanShift = (p.mean - q.mean) / q.sd;
  const nats = -Math.log(sdRatio) + 0.5 * (sdRatio * sdRatio + meanShift * meanShift - 1);
  return fromNats(Math.max(0, nats), unit);
}

function assertGaussianND(g: GaussianND, name: string): number[][] {
  const n = g.mean.length;
  if (n === 0 || g.cov.length !== n) throw new RangeError(`${name}: mean and covariance sizes differ`);
  if (!g.mean.every(Number.isFinite)) throw new RangeError(`${name}.mean must be finite`);
  return cholesky(g.cov, `${name}.cov`);
}

/** Squared Mahalanobis length ‖L⁻¹v‖² = vᵀΣ⁻¹v, given the Cholesky factor L of Σ. */
function mahalanobisSquared(l: Matrix, v: readonly number[]): number {
  return solveLower(l, v.map((vi) => [vi])).reduce((sum, [wi]) => sum + wi * wi, 0);
}

/** log N(x; mean, cov) in nats. */
export function mvnLogPdf(x: readonly number[], g: GaussianND): number {
  const l = assertGaussianND(g, 'Gaussian');
  const d = g.mean.length;
  const diff = x.map((xi, i) => xi - g.mean[i]);
  return -d * HALF_LOG_TWO_PI - 0.5 * logDetFromCholesky(l) - 0.5 * mahalanobisSquared(l, diff);
}

/**
 * KL(N(μ₁,Σ₁) ‖ N(μ₂,Σ₂)) = ½[log(|Σ₂|/|Σ₁|) − d + tr(Σ₂⁻¹Σ₁) + (μ₂−μ₁)ᵀΣ₂⁻¹(μ₂−μ₁)].
 * Uses Cholesky factors (tr(Σ₂⁻¹Σ₁) = ‖L₂⁻¹L₁‖²_F), so it works for any d and is exactly 0 for P = Q.
 */
export function mvnKl(p: GaussianND, q: GaussianND, unit: InfoUnit = 'nats'): number {
  const l1 = assertGaussianND(p, 'P');
  const l2 = assertGaussianND(q, 'Q');
  const d = p.mean.length;
  if (q.mean.length !== d) throw new RangeError(`P and Q must have the same dimension (got ${d} and ${q.mean.length})`);
  const whitened = solveLower(l2, l1);
  const traceTerm = whitened.reduce((sum, row) => sum + row.reduce((s, w) => s + w * w, 0), 0);
  const meanTerm = mahalanobisSquared(l2, q.mean.map((m2, i) => m2 - p.mean[i]));
  const logDetRatio = logDetFromCholesky(l2) - logDetFromCholesky(l1);
  const nats = 0.5 * (logDetRatio - d + traceTerm + meanTerm);
  return fromNats(Math.max(0, nats), unit);
}

/** An ellipse for drawing a 2-D Gaussian's nStd contour: semi-axes rx ≥ ry, rx's direction at `angle`. */
export interface Ellipse {
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
  /** Radians, counter-clockwise from the +x axis to the major (rx) axis, in (−π/2, π/2]. */
  readonly angle: number;
  readonly angleDegrees: number;
}

/** Centre, radii and orientation of the nStd-standard-deviation contour of N(mean, cov) in 2-D. */
export function covarianceEllipse(mean: readonly [number, number], cov: Matrix, nStd = 1): Ellipse {
  cholesky(cov, 'cov'); // validates: 2×2, symmetric, positive definite
  if (cov.length !== 2) throw new RangeError('covarianceEllipse needs a 2×2 covariance');
  const [[a, b], [, d]] = cov;
  // Eigenvalues of a symmetric 2×2 matrix; the major axis makes angle ½·atan2(2b, a − d) with +x.
  const centre = (a + d) / 2;
  const spread = Math.hypot((a - d) / 2, b);
  const major = centre + spread;
  const minor = Math.max(0, centre - spread);
  const angle = 0.5 * Math.atan2(2 * b, a - d);
  return {
    cx: mean[0],
    cy: mean[1],
    rx: nStd * Math.sqrt(major),
    ry: nStd * Math.sqrt(minor),
    angle,
    angleDegrees: (angle * 180) / Math.PI,
  };
}
