import { IMAGE_SIDE, PIXELS } from './pack';
import { mulberry32 } from './rng';

/** Synthetic set: four shape classes drawn at random sizes and positions. */
export const SHAPE_NAMES = ['circle', 'square', 'triangle', 'cross'] as const;
export const SHAPES_TRAIN = 8000;
export const SHAPES_TEST = 2000;

function inside(kind: number, dx: number, dy: number, r: number, thickness: number): boolean {
  switch (kind) {
    case 0: {
      const d = Math.hypot(dx, dy);
      return d <= r && d >= r - thickness;
    }
    case 1: {
      const m = Math.max(Math.abs(dx), Math.abs(dy));
      return m <= r && m >= r - thickness;
    }
    case 2: {
      // Filled upright triangle: apex at top, base at bottom.
      const t = (dy + r) / (2 * r);
      return t >= 0 && t <= 1 && Math.abs(dx) <= t * r;
    }
    default:
      return (Math.abs(dx) <= thickness / 2 || Math.abs(dy) <= thickness / 2) && Math.max(Math.abs(dx), Math.abs(dy)) <= r;
  }
}

/** Draws `count` images (count × 784 floats in [0, 1]) with labels, fully determined by `seed`. */
export function generateShapes(count: number, seed: number): { images: Float32Array; labels: Uint8Array } {
  const random = mulberry32(seed);
  const images = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const kind = Math.floor(random() * SHAPE_NAMES.length);
    const r = 5 + random() * 6;
    const cx = r + 1 + random() * (IMAGE_SIDE - 2 * r - 2);
    const cy = r + 1 + random() * (IMAGE_SIDE - 2 * r - 2);
    const thickness = 1.5 + random() * 2;
    labels[n] = kind;
    for (let y = 0; y < IMAGE_SIDE; y++) {
      for (let x = 0; x < IMAGE_SIDE; x++) {
        if (inside(kind, x + 0.5 - cx, y + 0.5 - cy, r, thickness)) images[n * PIXELS + y * IMAGE_SIDE + x] = 1;
      }
    }
  }
  return { images, labels };
}
