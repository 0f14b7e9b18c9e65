import { HALF_LOG_TWO_PI } from './gaussian';
import { fromNats } from './units';
import type { InfoUnit } from './units';

export interface VaeKlBreakdown {
  /** ½(μⱼ² + σⱼ² − 1 − log σⱼ²) for each latent dimension j. */
  readonly perDimension: number[];
  readonly total: number;
}

/**
 * KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σⱼ (μⱼ² + σⱼ² − 1 − log σⱼ²), from the encoder's μ and log σ².
 * σ² − 1 − log σ² is evaluated as expm1(log σ²) − log σ² to avoid cancellation when σ ≈ 1.
 */
export function vaeKlTerm(mu: readonly number[], logVar: readonly number[], unit: InfoUnit = 'nats'): VaeKlBreakdown {
  if (mu.length !== logVar.length) {
    throw new RangeError(`mu and logVar must have the same length (got ${mu.length} and ${logVar.length})`);
  }
  const perDimension = mu.map((m, j) => {
    const lv = logVar[j];
    if (!Number.isFinite(m) || !Number.isFinite(lv)) throw new RangeError(`Dimension ${j}: mu and logVar must be finite`);
    return fromNats(Math.max(0, 0.5 * (m * m + Math.expm1(lv) - lv)), unit);
  });
  return { perDimension, total: perDimension.reduce((a, b) => a + b, 0) };
}

/**
 * Bernoulli negative log-likelihood of one pixel, −[x log x̂ + (1−x) log(1−x̂)]: the per-pixel binary
 * cross-entropy, with no constant dropped. x ∈ [0, 1] may be a grey level; a zero weight times log 0
 * counts as 0, and a confident wrong prediction is ∞ (training code clamps x̂ away from 0 and 1).
 */
export function bernoulliNll(x: number, xHat: number, unit: InfoUnit = 'nats'): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`Pixel value must lie in [0, 1], got ${x}`);
  if (!(xHat >= 0 && xHat <= 1)) throw new RangeError(`Predicted probability must lie in [0, 1], got ${xHat}`);
  const term = (weight: number, prob: number) => (weight === 0 ? 0 : -weight * Math.log(prob));
  return fromNats(term(x, xHat) + term(1 - x, 1 - xHat), unit);
}

/** Full Gaussian negative log-likelihood of one pixel: ½ log(2πσ²) + (x − x̂)²/(2σ²). */
export function gaussianNll(x: number, xHat: number, sd = 1, unit: InfoUnit = 'nats'): number {
  if (!(sd > 0 && Number.isFinite(sd))) throw new RangeError(`sd must be finite and > 0, got ${sd}`);
  const z = (x - xHat) / sd;
  return fromNats(HALF_LOG_TWO_PI + Math.log(sd) + 0.5 * z * z, unit);
}

/**
 * Squared error read as a likelihood: ½(x − x̂)² = gaussianNll(x, x̂, σ = 1) − ½ log(2π).
 * The dropped constant is exactly ½ log(2π) ≈ 0.9189 nats per pixel (it has no gradient). Note the ½:
 * a plain MSE loss (x − x̂)² is twice this, which silently doubles reconstruction's weight against KL.
 */
export function halfSquaredError(x: number, xHat: number, unit: InfoUnit = 'nats'): number {
  const diff = x - xHat;
  return fromNats(0.5 * diff * diff, unit);
}

export interface VaeObjective {
  /** ELBO = E[log p(x|z)] − KL(q(z|x) ‖ p(z)): a lower bound on log p(x), to be maximized. */
  readonly elbo: number;
  /** The training loss = −ELBO = reconstruction NLL + KL, to be minimized. */
  readonly loss: number;
}

/**
 * Puts the two VAE terms together with the right signs. (One seed text writes E[log p(x|z)] − KL and
 * calls it the loss; that expression is the ELBO, which is maximized, so the loss is its negative.)
 */
export function vaeObjective(reconstructionNll: number, kl: number): VaeObjective {
  const loss = reconstructionNll + kl;
  return { elbo: -loss, loss };
}
