/**
 * Tiny thumbnails for the presets gallery: each preset gets a small description
 * (a loss-curve shape, a latent-cloud layout, or a row of latent dimensions)
 * that turns into a handful of SVG shapes in a 64×40 box. Pure and deterministic.
 */

export type Tone = 'recon' | 'kl' | 'total' | 'muted' | 'accent' | 'danger';

export type Shape =
  | { kind: 'path'; d: string; tone: Tone; dashed?: boolean }
  | { kind: 'dot'; x: number; y: number; r: number; tone: Tone }
  | { kind: 'rect'; x: number; y: number; w: number; h: number; tone: Tone };

type Curve = { tone: Tone; dashed?: boolean; ys: (number | null)[] };

/** What a thumbnail shows; numbers are in [0, 1] of the box (y = 0 at the bottom). */
type Sketch =
  | { kind: 'curves'; curves: Curve[]; blowUp?: number }
  | { kind: 'cloud'; clusters: number; radius: number; spread: number }
  | { kind: 'dims'; count: number; chosen: number[] }
  | { kind: 'glyphs' };

export const THUMB_W = 64;
export const THUMB_H = 40;
const PAD = 4;

/** Shapes of a falling loss: fast drop, then a slow tail settling at `end`. */
function decay(start: number, end: number, rate = 5, n = 16): number[] {
  return Array.from({ length: n }, (_, i) => end + (start - end) * Math.exp((-rate * i) / (n - 1)));
}

const SKETCHES: Record<string, Sketch> = {
  default: { kind: 'cloud', clusters: 6, radius: 0.28, spread: 0.07 },
  'beta-4': { kind: 'cloud', clusters: 6, radius: 0.14, spread: 0.08 },
  'beta-0': { kind: 'cloud', clusters: 6, radius: 0.38, spread: 0.035 },
  'posterior-collapse': {
    kind: 'curves',
    curves: [
      { tone: 'total', ys: decay(0.95, 0.7) },
      { tone: 'kl', ys: decay(0.45, 0.04, 9) },
    ],
  },
  mse: {
    kind: 'curves',
    curves: [
      { tone: 'recon', ys: decay(0.95, 0.35) },
      { tone: 'recon', dashed: true, ys: decay(0.5, 0.15) },
    ],
  },
  'kl-warmup': {
    kind: 'curves',
    curves: [
      { tone: 'muted', dashed: true, ys: Array.from({ length: 16 }, (_, i) => 0.1 + 0.8 * Math.min(1, i / 10)) },
      { tone: 'kl', ys: Array.from({ length: 16 }, (_, i) => 0.15 + 0.7 * Math.sin(Math.min(1, i / 12) * Math.PI) * Math.exp(-i / 30)) },
    ],
  },
  'lr-too-high': {
    kind: 'curves',
    curves: [{ tone: 'total', ys: [0.6, 0.35, 0.55, 0.3, 0.62, 0.4, 0.75, 0.5, 0.9, 1, null, null, null, null, null, null] }],
    blowUp: 9,
  },
  'latent-16': { kind: 'dims', count: 16, chosen: [3, 7] },
  shapes: { kind: 'glyphs' },
};

const FALLBACK: Sketch = { kind: 'curves', curves: [{ tone: 'total', ys: decay(0.9, 0.25) }] };

const px = (t: number) => PAD + t * (THUMB_W - 2 * PAD);
const py = (t: number) => THUMB_H - PAD - t * (THUMB_H - 2 * PAD);
const r1 = (v: number) => Math.round(v * 10) / 10;

/** Small seeded generator, so every thumbnail is the same on every visit. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function curveShapes(sketch: Extract<Sketch, { kind: 'curves' }>): Shape[] {
  const shapes: Shape[] = [{ kind: 'path', d: `M${px(0)} ${py(0)}H${px(1)}`, tone: 'muted' }];
  for (const curve of sketch.curves) {
    const n = curve.ys.length;
    let d = '';
    curve.ys.forEach((y, i) => {
      if (y !== null) d += `${d === '' ? 'M' : 'L'}${r1(px(i / (n - 1)))} ${r1(py(y))}`;
    });
    shapes.push({ kind: 'path', d, tone: curve.tone, dashed: curve.dashed });
  }
  if (sketch.blowUp !== undefined) {
    // An × where the loss stopped being a number, and the rolled-back level after it.
    const n = sketch.curves[0].ys.length;
    const x = px(sketch.blowUp / (n - 1));
    const y = py(1) + 1;
    shapes.push({ kind: 'path', d: `M${r1(x - 3)} ${r1(y)}l6 6M${r1(x + 3)} ${r1(y)}l-6 6`, tone: 'danger' });
    shapes.push({ kind: 'path', d: `M${r1(x + 5)} ${r1(py(0.5))}H${px(1)}`, tone: 'muted', dashed: true });
  }
  return shapes;
}

function cloudShapes(sketch: Extract<Sketch, { kind: 'cloud' }>): Shape[] {
  const rand = random(7 + sketch.clusters);
  const tones: Tone[] = ['recon', 'kl', 'total', 'accent', 'danger', 'muted'];
  const shapes: Shape[] = [];
  const cx = THUMB_W / 2;
  const cy = THUMB_H / 2;
  const scale = THUMB_H - 2 * PAD;
  for (let c = 0; c < sketch.clusters; c++) {
    const angle = (2 * Math.PI * c) / sketch.clusters + 0.4;
    const mx = cx + Math.cos(angle) * sketch.radius * scale * 1.4;
    const my = cy + Math.sin(angle) * sketch.radius * scale;
    for (let k = 0; k < 6; k++) {
      const x = mx + (rand() - 0.5) * 2 * sketch.spread * scale * 1.4;
      const y = my + (rand() - 0.5) * 2 * sketch.spread * scale;
      shapes.push({ kind: 'dot', x: r1(x), y: r1(y), r: 1.3, tone: tones[c % tones.length] });
    }
  }
  return shapes;
}

function dimShapes(sketch: Extract<Sketch, { kind: 'dims' }>): Shape[] {
  const w = (THUMB_W - 2 * PAD) / sketch.count;
  return Array.from({ length: sketch.count }, (_, i): Shape => {
    const chosen = sketch.chosen.includes(i);
    const h = chosen ? 24 : 6; // the others sit at 0, the prior mean
    return { kind: 'rect', x: r1(PAD + i * w + 0.5), y: r1(THUMB_H / 2 - h / 2), w: r1(w - 1), h, tone: chosen ? 'accent' : 'muted' };
  });
}

function glyphShapes(): Shape[] {
  return [
    { kind: 'path', d: 'M8 28h12v-12h-12z', tone: 'recon' },
    { kind: 'path', d: 'M26 29l7-14l7 14z', tone: 'kl' },
    { kind: 'path', d: 'M45 22a7 7 0 1 0 14 0a7 7 0 1 0 -14 0', tone: 'total' },
  ];
}

export function presetSketch(id: string): Shape[] {
  const sketch = SKETCHES[id] ?? FALLBACK;
  switch (sketch.kind) {
    case 'curves':
      return curveShapes(sketch);
    case 'cloud':
      return cloudShapes(sketch);
    case 'dims':
      return dimShapes(sketch);
    case 'glyphs':
      return glyphShapes();
  }
}
