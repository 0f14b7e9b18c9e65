import { TEST_PER_CLASS } from '../data/split';

/** The highest index a `probe` link may name: 10 digits × 200 test images. */
export const PROBE_MAX = 10 * TEST_PER_CLASS - 1;

/**
 * Where a test image sits: test index = 200·digit + position among that
 * digit's 200 test images in file order (the order fixedSplit keeps).
 */
export function testImagePosition(index: number): { digit: number; position: number } {
  return { digit: Math.floor(index / TEST_PER_CLASS), position: index % TEST_PER_CLASS };
}

/** KL(q ‖ N(0, 1)) of each latent dimension: ½(μ² + σ² − 1 − log σ²). */
export function klPerDimension(mu: readonly number[], logVar: readonly number[]): number[] {
  return mu.map((m, d) => 0.5 * (m * m + Math.exp(logVar[d]) - 1 - logVar[d]));
}

/** The test code nearest to a point of the pad's plane, within `radius` (latent units), or −1. */
export function nearestCode(means: Float32Array, latent: number, dx: number, dy: number, x: number, y: number, radius: number): number {
  let best = -1;
  let bestDistance = radius * radius;
  const count = means.length / latent;
  for (let i = 0; i < count; i++) {
    const ex = means[i * latent + dx] - x;
    const ey = (latent >= 2 ? means[i * latent + dy] : 0) - y;
    const d = ex * ex + ey * ey;
    if (d <= bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}
