import { gaussianLogPdf } from './gaussian';
import type { Gaussian1D } from './gaussian';
import { fromNats } from './units';
import type { InfoUnit } from './units';

/** Composite Simpson's rule for ∫ₐᵇ f over `intervals` panels (rounded up to an even count). */
export function simpson(f: (x: number) => number, a: number, b: number, intervals = 1000): number {
  if (!(Number.isFinite(a) && Number.isFinite(b))) throw new RangeError('Integration limits must be finite');
  const n = Math.max(2, Math.ceil(intervals / 2) * 2);
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

export interface NumericalKlOptions {
  /** The integral runs over P's mean ± halfWidthSds·sd (P's mass beyond 12 sd is below 1e-32). */
  readonly halfWidthSds?: number;
  readonly intervals?: number;
}

/**
 * ∫ p(x) log(p(x)/q(x)) dx for two univariate Gaussians by Simpson's rule, to set beside the closed
 * form gaussianKl. Log-densities are used directly so distant tails do not turn into 0·log 0.
 */
export function numericalGaussianKl(
  p: Gaussian1D,
  q: Gaussian1D,
  unit: InfoUnit = 'nats',
  { halfWidthSds = 12, intervals = 4000 }: NumericalKlOptions = {},
): number {
  const integrand = (x: number) => {
    const logP = gaussianLogPdf(x, p);
    return Math.exp(logP) * (logP - gaussianLogPdf(x, q));
  };
  const halfWidth = halfWidthSds * p.sd;
  return fromNats(simpson(integrand, p.mean - halfWidth, p.mean + halfWidth, intervals), unit);
}
