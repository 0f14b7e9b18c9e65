/** MNIST-style preprocessing of a drawing, against cases worked out by hand. */
import { describe, expect, it } from 'vitest';
import { centreOfMass, cropAndScale, inkBounds, inkExtent, preprocessDrawing } from '../../src/lib/latent/mnist-preprocess';

/** A width×height canvas with the given rectangles filled with `value`. */
function canvas(width: number, height: number, rects: [x: number, y: number, w: number, h: number, value?: number][]): Float32Array {
  const out = new Float32Array(width * height);
  for (const [x, y, w, h, value = 1] of rects) {
    for (let r = y; r < y + h; r++) for (let c = x; c < x + w; c++) out[r * width + c] = value;
  }
  return out;
}

function pixelsOf(result: ReturnType<typeof preprocessDrawing>): Float32Array {
  if (!result.ok) throw new Error(`expected pixels, got ${result.reason}`);
  return result.pixels;
}

describe('preprocessDrawing', () => {
  it('a tall stroke: crops it, scales its height to exactly 20 px (width in proportion) and centres it', () => {
    // A 10×100 bar, off in a corner of a 280×280 drawing: ratio 5, so a 2×20 block of full ink.
    const pixels = pixelsOf(preprocessDrawing(canvas(280, 280, [[30, 150, 10, 100]]), 280, 280));
    expect(inkExtent(pixels)).toEqual({ width: 2, height: 20 });
    // Centre of mass (1, 10) in the block goes to (14, 14): columns 13–14, rows 4–23, whole pixels of ink.
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) expect(pixels[r * 28 + c], `(${c}, ${r})`).toBe(r >= 4 && r < 24 && c >= 13 && c < 15 ? 1 : 0);
    }
  });

  it('a wide stroke: its width becomes exactly 20 px and the aspect is kept', () => {
    // 120×30 → ratio 6: 20×5 block; the centre of mass (10, 2.5) sits half a pixel off the grid vertically,
    // so the block's ink spreads over 6 rows, half a row at each edge.
    const scaled = cropAndScale(canvas(200, 100, [[40, 20, 120, 30]]), 200, { x0: 40, y0: 20, x1: 160, y1: 50 });
    expect([scaled.width, scaled.height]).toEqual([20, 5]);
    const pixels = pixelsOf(preprocessDrawing(canvas(200, 100, [[40, 20, 120, 30]]), 200, 100));
    expect(inkExtent(pixels)).toEqual({ width: 20, height: 6 });
    expect(pixels[11 * 28 + 4]).toBeCloseTo(0.5, 6); // top edge row, half ink
    expect(pixels[12 * 28 + 4]).toBeCloseTo(1, 6);
    expect(pixels[16 * 28 + 4]).toBeCloseTo(0.5, 6); // bottom edge row
    expect(pixels[11 * 28 + 3]).toBe(0); // left of the block
  });

  it('area-averages when shrinking: a 1-px checkerboard becomes uniform grey 0.5', () => {
    const board = new Float32Array(40 * 40).map((_, i) => ((i % 40) + Math.floor(i / 40)) % 2);
    const scaled = cropAndScale(board, 40, { x0: 0, y0: 0, x1: 40, y1: 40 });
    expect([scaled.width, scaled.height]).toEqual([20, 20]);
    for (const v of scaled.pixels) expect(v).toBeCloseTo(0.5, 12);
  });

  it('centres by centre of mass, not by the bounding box', () => {
    // An L: a heavy vertical bar and a thin foot. Its box centre and mass centre differ.
    const drawing = canvas(100, 100, [[10, 10, 20, 80], [30, 80, 50, 10]]);
    const pixels = pixelsOf(preprocessDrawing(drawing, 100, 100));
    const com = centreOfMass(pixels)!;
    expect(com.x).toBeCloseTo(14, 5);
    expect(com.y).toBeCloseTo(14, 5);
    // Box-centred would put the box's middle at 14; mass-centred moves the box right (the bar is on the left).
    const b = inkBounds(pixels, 28, 28)!;
    expect((b.x0 + b.x1) / 2).toBeGreaterThan(15);
  });

  it('a faint stroke keeps its grey level, and values stay in [0, 1] whatever comes in', () => {
    const faint = pixelsOf(preprocessDrawing(canvas(60, 60, [[20, 10, 20, 40, 0.4]]), 60, 60));
    expect(Math.max(...faint)).toBeCloseTo(0.4, 6);
    const loud = pixelsOf(preprocessDrawing(canvas(60, 60, [[20, 10, 20, 40, 7], [0, 0, 3, 3, -2]]), 60, 60));
    for (const v of loud) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(Math.max(...loud)).toBe(1);
  });

  it('an empty drawing (or only faint specks below the threshold) gives no pixels, and a hint', () => {
    const empty = preprocessDrawing(new Float32Array(50 * 50), 50, 50);
    expect(empty).toMatchObject({ ok: false, reason: 'empty' });
    expect(empty.ok ? '' : empty.message).toMatch(/draw a digit/i);
    expect(preprocessDrawing(canvas(50, 50, [[5, 5, 3, 3, 0.01]]), 50, 50)).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('bad input is refused, never passed on: NaN, Infinity, or a size that does not match', () => {
    const nan = canvas(30, 30, [[5, 5, 10, 10]]);
    nan[3] = NaN;
    expect(preprocessDrawing(nan, 30, 30)).toMatchObject({ ok: false, reason: 'invalid' });
    const inf = canvas(30, 30, [[5, 5, 10, 10]]);
    inf[40] = Infinity;
    expect(preprocessDrawing(inf, 30, 30)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(preprocessDrawing(new Float32Array(10), 30, 30)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(preprocessDrawing(new Float32Array(0), 0, 0)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('a single dot grows to fill the 20 px box (small drawings are scaled up too)', () => {
    const pixels = pixelsOf(preprocessDrawing(canvas(40, 40, [[7, 9, 2, 2]]), 40, 40));
    expect(inkExtent(pixels)).toEqual({ width: 20, height: 20 });
    const com = centreOfMass(pixels)!;
    expect(com.x).toBeCloseTo(14, 9);
    expect(com.y).toBeCloseTo(14, 9);
  });
});
