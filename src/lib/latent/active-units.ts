/** Average KL above this (nats) and a latent dimension counts as active; at or below it, as collapsed. */
export const ACTIVE_KL_NATS = 0.01;

export interface LatentUnit {
  dim: number;
  /** Average KL of this dimension over the test set (nats). */
  kl: number;
  active: boolean;
}

/**
 * Classifies latent dimensions by their average KL over the test set: a unit
 * whose posterior stays at the prior for every image (KL ≈ 0) carries no
 * information — it has collapsed. A non-finite KL counts as not active.
 */
export function classifyUnits(klPerDim: ArrayLike<number>, threshold = ACTIVE_KL_NATS): LatentUnit[] {
  return Array.from({ length: klPerDim.length }, (_, dim) => {
    const kl = klPerDim[dim];
    return { dim, kl, active: Number.isFinite(kl) && kl > threshold };
  });
}

/** The values a traversal row visits for one dimension: `steps` evenly spaced from −`extent` to `extent`. */
export function traversalValues(steps = 7, extent = 3): number[] {
  if (steps < 2) return [0];
  return Array.from({ length: steps }, (_, i) => -extent + (2 * extent * i) / (steps - 1));
}
