import type { SnapshotDecoder } from '../decode/mlp';
import { IMAGE_SIDE, PIXELS } from '../data/pack';

export interface ManifoldOptions {
  /** Tiles per side. */
  tiles: number;
  range: number;
  latent: number;
  dx: number;
  dy: number;
}

/** Time slice per chunk, so the page stays fluid while the grid fills in. */
const SLICE_MS = 6;

/**
 * Decodes a tiles × tiles grid of codes spanning the pad into one RGBA image
 * (the classic "manifold" picture of a 2-D VAE). Works in short slices and
 * yields between them; stops early when `signal` aborts.
 */
export async function renderManifold(decoder: SnapshotDecoder, options: ManifoldOptions, signal: AbortSignal): Promise<ImageData | null> {
  const { tiles, range, latent, dx, dy } = options;
  const side = tiles * IMAGE_SIDE;
  const image = new ImageData(side, side);
  const z = new Array<number>(latent).fill(0);
  const pixels = new Float32Array(PIXELS);
  let sliceStart = performance.now();
  for (let row = 0; row < tiles; row++) {
    for (let col = 0; col < tiles; col++) {
      if (signal.aborted) return null;
      z[dx] = -range + ((col + 0.5) * 2 * range) / tiles;
      if (latent >= 2) z[dy] = range - ((row + 0.5) * 2 * range) / tiles;
      decoder.decode(z, pixels);
      for (let y = 0; y < IMAGE_SIDE; y++) {
        for (let x = 0; x < IMAGE_SIDE; x++) {
          const v = Math.round(pixels[y * IMAGE_SIDE + x] * 255);
          const at = 4 * ((row * IMAGE_SIDE + y) * side + col * IMAGE_SIDE + x);
          image.data[at] = v;
          image.data[at + 1] = v;
          image.data[at + 2] = v;
          image.data[at + 3] = 255;
        }
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        sliceStart = performance.now();
      }
    }
  }
  return signal.aborted ? null : image;
}
