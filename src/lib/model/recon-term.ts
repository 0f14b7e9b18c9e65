/**
 * Which reconstruction term a run uses, decided by its data. tfjs-free, so the
 * page can name it. Images (784 values in [0, 1]) use the `recon` setting
 * (Bernoulli or squared error); 2-D points always use a Gaussian likelihood
 * with a fixed standard deviation, and `recon` does not apply to them.
 */
import type { PlaygroundConfig, ReconLoss } from '../config/types';
import { PIXELS } from '../data/pack';
import { featuresOf } from '../data/points2d';

export type ReconTerm = ReconLoss | 'gaussian';

/**
 * σ of the Gaussian decoder for points: p(x|z) = N(x; decoder mean, σ²·I).
 * Fixed, not learned: a learned σ can shrink towards 0 on points the decoder
 * already hits and push the likelihood towards +∞. 0.1 is small next to the
 * sets' spread (about ±2) and close to their own noise, so the decoder must put
 * its means on the data, and a full sample (mean + σ·ε) only blurs it slightly.
 */
export const POINT_SIGMA = 0.1;

export function reconTermFor(recon: ReconLoss, features: number): ReconTerm {
  return features === PIXELS ? recon : 'gaussian';
}

/** The term a configuration trains with. */
export function reconTermOf(config: Pick<PlaygroundConfig, 'recon' | 'data'>): ReconTerm {
  return reconTermFor(config.recon, featuresOf(config.data));
}

/** The decoder's last step from its linear outputs to the data's scale: pixel intensities or points. */
export type OutputActivation = 'sigmoid' | 'identity';

export function outputActivationFor(features: number): OutputActivation {
  return features === PIXELS ? 'sigmoid' : 'identity';
}
