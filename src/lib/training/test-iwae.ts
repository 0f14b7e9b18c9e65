import { mixSeed } from '../data/rng';
import { iwaeEstimate, type IwaeEstimate, type IwaeOptions } from './iwae';
import { iwaeKProblem } from './iwae-k';
import { decoderLogLikelihood } from './likelihood';
import type { Trainer } from './trainer';

/**
 * The importance-weighted −log p̂(x) of the current model over the whole test
 * set, with the likelihood the loss uses. The noise is seeded by the run's
 * seed, so the same weights give the same figure.
 */
export function testSetIwae(trainer: Trainer, seed: number, options: Omit<IwaeOptions, 'seed'>): Promise<IwaeEstimate> {
  const problem = iwaeKProblem(options.k);
  if (problem) return Promise.reject(new Error(problem));
  const vae = trainer.vae;
  return trainer.withTestSet((images, recon) =>
    iwaeEstimate(
      { encode: (x) => vae.encode(x), logLikelihood: (x, z) => decoderLogLikelihood(vae, recon, x)(z) },
      images,
      vae.arch.latent,
      { ...options, seed: mixSeed(seed + 17, options.k) },
    ),
  );
}
