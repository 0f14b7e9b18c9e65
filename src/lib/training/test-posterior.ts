import type * as tf from '@tensorflow/tfjs-core';
import { decoderLogLikelihood } from './likelihood';
import { posteriorGrid, type GridWindow } from './posterior';
import type { EncodedImage, ProbeResult } from './protocol';
import type { Trainer } from './trainer';
import type { ReconTerm } from '../model/recon-term';

/** What to probe: a test image by index, or any 28×28 grey image (a drawing). */
export type ProbeSource = { index: number } | { pixels: Float32Array };

/**
 * One image under the current model: q(z|x), its reconstruction and, for a
 * 2-D latent, the true posterior on a grid. log p(x|z) is minus the app's own
 * reconstruction term (decoderLogLikelihood), so the ELBO here is minus the −ELBO the app reports for
 * this image (with E_q computed exactly instead of sampled). A drawing comes
 * back with index and label −1.
 */
export async function probeImage(trainer: Trainer, source: ProbeSource, hint: GridWindow | null): Promise<ProbeResult> {
  const start = performance.now();
  const image: EncodedImage =
    'pixels' in source
      ? { index: -1, label: -1, ...(await trainer.encodePixels(source.pixels)), pixels: source.pixels.slice() }
      : { index: source.index, ...(await trainer.encodeTestImage(source.index)) };
  if (image.mu.length !== 2) return { image, grid: null, millis: performance.now() - start };
  const grid = await withSource(trainer, source, (x, recon) =>
    posteriorGrid(decoderLogLikelihood(trainer.vae, recon, x), image.mu, image.logVar, { hint: hint ?? undefined }),
  );
  return { image, grid, millis: performance.now() - start };
}

/** One test image probed (see probeImage). */
export function probeTestImage(trainer: Trainer, index: number, hint: GridWindow | null): Promise<ProbeResult> {
  return probeImage(trainer, { index }, hint);
}

function withSource<T>(trainer: Trainer, source: ProbeSource, use: (x: tf.Tensor2D, recon: ReconTerm) => Promise<T>): Promise<T> {
  return 'pixels' in source ? trainer.withPixels(source.pixels, use) : trainer.withTestImage(source.index, use);
}
