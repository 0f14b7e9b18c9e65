import { mulberry32 } from '../data/rng';

/** Standard normal draws (Box–Muller) from a seeded stream: `count` vectors of `latent` numbers. */
export function samplePrior(count: number, latent: number, seed: number): number[][] {
  const random = mulberry32(seed);
  const normal = () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return Array.from({ length: count }, () => Array.from({ length: latent }, normal));
}
