import type { SnapshotDecoder } from '../decode/mlp';
import { POINT_SIGMA } from '../model/recon-term';
import { samplePrior } from './prior-samples';

/** How many prior samples the data plot draws. */
export const PLOT_SAMPLES = 500;

export interface PointSamples {
  /** PLOT_SAMPLES × 2: the decoder's means at z ~ N(0, I). */
  means: Float32Array;
  /** PLOT_SAMPLES × 2: full samples x = mean + σ·ε from p(x|z). */
  full: Float32Array;
}

/**
 * Decodes fixed prior draws z ~ N(0, I) into points. The draws and the noise
 * ε are seeded and kept, so successive refreshes move only because the
 * decoder changed, not because the dice did.
 */
export class PointSampler {
  readonly #z: number[][];
  readonly #noise: number[][];
  readonly #out = new Float32Array(2);

  constructor(latent: number, seed = 11) {
    this.#z = samplePrior(PLOT_SAMPLES, latent, seed);
    this.#noise = samplePrior(PLOT_SAMPLES, 2, seed + 1);
  }

  get latent(): number {
    return this.#z[0]?.length ?? 0;
  }

  sample(decoder: SnapshotDecoder): PointSamples {
    const means = new Float32Array(PLOT_SAMPLES * 2);
    const full = new Float32Array(PLOT_SAMPLES * 2);
    this.#z.forEach((z, i) => {
      decoder.decode(z, this.#out);
      means[2 * i] = this.#out[0];
      means[2 * i + 1] = this.#out[1];
      full[2 * i] = this.#out[0] + POINT_SIGMA * this.#noise[i][0];
      full[2 * i + 1] = this.#out[1] + POINT_SIGMA * this.#noise[i][1];
    });
    return { means, full };
  }
}

/** Half the side of the square the plot shows: the data's extent plus a margin, at least 2.5. */
export function plotHalfRange(points: Float32Array): number {
  let max = 0;
  for (const v of points) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  return Math.max(2.5, Math.ceil(max * 1.1 * 2) / 2);
}
