/**
 * Turns a drawing into an MNIST-style digit, the way the MNIST images were
 * made (LeCun et al.): crop to the ink, scale so the larger side is 20 px
 * keeping the aspect ratio (anti-aliased by area averaging), then place it in
 * a 28×28 frame so that the ink's centre of mass sits at the frame's centre.
 *
 * Coordinates are continuous: pixel i covers [i, i + 1) and its centre is
 * i + 0.5, so the frame's centre is (14, 14) (between pixels 13 and 14).
 * Pure: no DOM, no tfjs.
 */

export const FRAME = 28;
export const BOX = 20;
/** Grey values at or below this are background when finding the ink's bounding box (stroke edges fade out). */
export const INK_THRESHOLD = 0.05;

export type Preprocessed =
  | { ok: true; pixels: Float32Array }
  | { ok: false; reason: 'empty' | 'invalid'; message: string };

/** The ink's bounding box: [x0, x1) × [y0, y1), or null when nothing is above the threshold. */
export function inkBounds(grey: ArrayLike<number>, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (grey[y * width + x] > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Weights of the source cells [start, end) covered by output cells of `ratio` source pixels each
 * (area averaging: each output cell is the mean over the source area it covers).
 */
function coverage(start: number, end: number, ratio: number): { first: number; weights: number[] }[] {
  const cells = Math.max(1, Math.ceil((end - start) / ratio - 1e-9));
  const out: { first: number; weights: number[] }[] = [];
  for (let j = 0; j < cells; j++) {
    const a = start + j * ratio;
    const b = Math.min(end, a + ratio);
    const first = Math.floor(a);
    const weights: number[] = [];
    for (let s = first; s < b; s++) weights.push((Math.min(b, s + 1) - Math.max(a, s)) / ratio);
    out.push({ first, weights });
  }
  return out;
}

const EMPTY = 'Nothing drawn yet: draw a digit on the pad to see where it lands.';

/**
 * Crops to `bounds` and scales so the larger side is exactly 20 px, the same
 * ratio on both axes (so the aspect is kept), each output pixel the mean of
 * the source area it covers. Values are clamped to [0, 1] first.
 */
export function cropAndScale(grey: ArrayLike<number>, width: number, bounds: { x0: number; y0: number; x1: number; y1: number }): { pixels: Float64Array; width: number; height: number } {
  const ratio = Math.max(bounds.x1 - bounds.x0, bounds.y1 - bounds.y0) / BOX;
  const cols = coverage(bounds.x0, bounds.x1, ratio);
  const rows = coverage(bounds.y0, bounds.y1, ratio);
  const w = cols.length;
  const h = rows.length;
  const scaled = new Float64Array(w * h);
  for (let r = 0; r < h; r++) {
    const row = rows[r];
    for (let c = 0; c < w; c++) {
      const col = cols[c];
      let sum = 0;
      for (let dy = 0; dy < row.weights.length; dy++) {
        const base = (row.first + dy) * width + col.first;
        let line = 0;
        for (let dx = 0; dx < col.weights.length; dx++) line += col.weights[dx] * Math.min(1, Math.max(0, grey[base + dx]));
        sum += row.weights[dy] * line;
      }
      scaled[r * w + c] = sum;
    }
  }
  return { pixels: scaled, width: w, height: h };
}

/** The ink centred by mass in the 28×28 frame; values in [0, 1], ink = 1. */
export function preprocessDrawing(grey: ArrayLike<number>, width: number, height: number): Preprocessed {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || grey.length !== width * height) {
    return { ok: false, reason: 'invalid', message: `expected a ${width}×${height} grey image` };
  }
  for (let i = 0; i < grey.length; i++) {
    if (!Number.isFinite(grey[i])) return { ok: false, reason: 'invalid', message: 'the drawing has a pixel that is not a number' };
  }
  const bounds = inkBounds(grey, width, height);
  if (!bounds) return { ok: false, reason: 'empty', message: EMPTY };

  const { pixels: scaled, width: w, height: h } = cropAndScale(grey, width, bounds);

  // 2. Centre of mass of the scaled ink (pixel centres at i + 0.5).
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const v = scaled[r * w + c];
      mass += v;
      mx += v * (c + 0.5);
      my += v * (r + 0.5);
    }
  }
  if (!(mass > 0)) return { ok: false, reason: 'empty', message: EMPTY };

  // 3. Shift by (14 − centre) in the frame. A fractional shift splits each pixel linearly between its
  //    neighbours, which moves the centre of mass by exactly the shift and keeps values in [0, 1].
  const out = new Float32Array(FRAME * FRAME);
  const shiftX = FRAME / 2 - mx / mass;
  const shiftY = FRAME / 2 - my / mass;
  const splat = (pos: number) => {
    const k = Math.floor(pos);
    return { k, f: pos - k };
  };
  for (let r = 0; r < h; r++) {
    const { k: ky, f: fy } = splat(r + shiftY);
    for (let c = 0; c < w; c++) {
      const v = scaled[r * w + c];
      if (v === 0) continue;
      const { k: kx, f: fx } = splat(c + shiftX);
      for (const [yy, wy] of [[ky, 1 - fy], [ky + 1, fy]]) {
        if (yy < 0 || yy >= FRAME || wy === 0) continue;
        for (const [xx, wx] of [[kx, 1 - fx], [kx + 1, fx]]) {
          if (xx < 0 || xx >= FRAME || wx === 0) continue;
          out[yy * FRAME + xx] += v * wy * wx; // ink pushed past the frame's edge is lost, as in MNIST
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  return { ok: true, pixels: out };
}

/** Centre of mass (x, y) of a 28×28 image in the same continuous coordinates; null for an empty one. */
export function centreOfMass(pixels: ArrayLike<number>, side = FRAME): { x: number; y: number } | null {
  let mass = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < side * side; i++) {
    const v = pixels[i];
    mass += v;
    x += v * ((i % side) + 0.5);
    y += v * (Math.floor(i / side) + 0.5);
  }
  return mass > 0 ? { x: x / mass, y: y / mass } : null;
}

/** The ink's extent (width, height in pixels) of a 28×28 image, counting pixels above the threshold. */
export function inkExtent(pixels: ArrayLike<number>, side = FRAME): { width: number; height: number } | null {
  const b = inkBounds(pixels, side, side);
  return b ? { width: b.x1 - b.x0, height: b.y1 - b.y0 } : null;
}
