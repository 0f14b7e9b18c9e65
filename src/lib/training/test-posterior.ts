import * as tf from '@tensorflow/tfjs-core';
import { reconstructionLoss } from '../model/losses';
import { posteriorGrid, type GridWindow } from './posterior';
import type { ProbeResult } from './protocol';
import type { Trainer } from './trainer';

/**
 * One test image under the current model: q(z|x), its reconstruction and,
 * for a 2-D latent, the true posterior on a grid. log p(x|z) is minus the
 * app's own reconstruction term, so the ELBO here is minus the −ELBO the
 * app reports for this image (with E_q computed exactly instead of sampled).
 */
export async function probeTestImage(trainer: Trainer, index: number, hint: GridWindow | null): Promise<ProbeResult> {
  const start = performance.now();
  const image = { index, ...(await trainer.encodeTestImage(index)) };
  if (image.mu.length !== 2) return { image, grid: null, millis: performance.now() - start };
  const grid = await trainer.withTestImage(index, (x, recon) =>
    posteriorGrid((z) => tf.neg(reconstructionLoss(recon, x, trainer.vae.decodeLogits(z))), image.mu, image.logVar, { hint: hint ?? undefined }),
  );
  return { image, grid, millis: performance.now() - start };
}
