import { PIXELS } from '../data/pack';

/**
 * Why `pixels` is not a 28×28 grey image the encoder can take (784 finite
 * values in [0, 1]), or null when it is. Checked on both sides of the worker
 * boundary: the page never sends such input, and the worker refuses it anyway.
 */
export function pixelsProblem(pixels: unknown): string | null {
  if (!(pixels instanceof Float32Array)) return 'the image must be a Float32Array of grey values';
  if (pixels.length !== PIXELS) return `the image must have ${PIXELS} pixels (28×28), not ${pixels.length}`;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (!Number.isFinite(v)) return `pixel ${i} is not a finite number`;
    if (v < 0 || v > 1) return `pixel ${i} is ${v}, outside [0, 1]`;
  }
  return null;
}
