import { PIXELS } from './pack';
import { mulberry32 } from './rng';

/**
 * Seeded 2-D point sets: each point is (x, y) in roughly [−2.5, 2.5]², with a
 * label naming the part of the set it came from (for the latent pad's colours).
 * The same (name, count, seed) always gives the same points, bit for bit.
 */
export const POINT_SETS = ['moons', 'rings', 'spiral', 'pinwheel'] as const;
export type PointSetName = (typeof POINT_SETS)[number];

export const POINTS_TRAIN = 8000;
export const POINTS_TEST = 2000;
/** Values per point. */
export const POINT_FEATURES = 2;

export const POINT_CLASS_NAMES: Readonly<Record<PointSetName, readonly string[]>> = {
  moons: ['upper moon', 'lower moon'],
  rings: Array.from({ length: 8 }, (_, k) => `blob ${k + 1}`),
  spiral: ['arm 1', 'arm 2'],
  pinwheel: Array.from({ length: 5 }, (_, k) => `blade ${k + 1}`),
};

export interface PointSet {
  /** count × 2 floats: x0, y0, x1, y1, … */
  points: Float32Array;
  labels: Uint8Array;
}

export function isPointSet(name: string): name is PointSetName {
  return (POINT_SETS as readonly string[]).includes(name);
}

/** Points uploaded as a CSV (data/custom/points.ts): a 2-D set like the built-in ones, but not generated. */
export const UPLOADED_POINTS = 'custom-points';

/** Whether a data set is 2-D points (built-in or uploaded): a Gaussian decoder, the data plot, no image views. */
export function isPointData(name: string): boolean {
  return isPointSet(name) || name === UPLOADED_POINTS;
}

/** Standard normal draws from a uniform source (Box–Muller, one value per call, no caching). */
function normal(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(u) is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

type Draw = (random: () => number) => [number, number, number];

const DRAWS: Record<PointSetName, Draw> = {
  // Two interleaving half circles (as scikit-learn's make_moons), centred and scaled by 1.5, noise σ = 0.1 before scaling.
  moons(random) {
    const label = random() < 0.5 ? 0 : 1;
    const t = Math.PI * random();
    const x = label === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const y = label === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    return [1.5 * (x - 0.5 + 0.1 * normal(random)), 1.5 * (y - 0.25 + 0.1 * normal(random)), label];
  },
  // Eight Gaussians of σ = 0.1 evenly spaced on a circle of radius 2.
  rings(random) {
    const label = Math.floor(random() * 8);
    const angle = (label * 2 * Math.PI) / 8;
    return [2 * Math.cos(angle) + 0.1 * normal(random), 2 * Math.sin(angle) + 0.1 * normal(random), label];
  },
  // Two arms of an Archimedean spiral (radius grows with angle), opposite each other, noise σ = 0.05.
  spiral(random) {
    const label = random() < 0.5 ? 0 : 1;
    const s = Math.sqrt(random()); // uniform along the arm's length, roughly
    const turn = 0.25 + 2.5 * Math.PI * s;
    const r = (2.2 * turn) / (0.25 + 2.5 * Math.PI);
    const angle = turn + label * Math.PI;
    return [r * Math.cos(angle) + 0.05 * normal(random), r * Math.sin(angle) + 0.05 * normal(random), label];
  },
  // Five curved blades (Johnson et al., 2016): radial spread 0.3, tangential 0.05, bending with distance.
  pinwheel(random) {
    const label = Math.floor(random() * 5);
    const a = 1 + 0.3 * normal(random);
    const b = 0.05 * normal(random);
    const angle = (label * 2 * Math.PI) / 5 + 0.25 * Math.exp(a);
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    return [1.6 * (a * c - b * s), 1.6 * (a * s + b * c), label];
  },
};

/** `count` points of the named set, fully determined by `seed`. */
export function generatePoints(name: PointSetName, count: number, seed: number): PointSet {
  const random = mulberry32(seed);
  const draw = DRAWS[name];
  const points = new Float32Array(count * POINT_FEATURES);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const [x, y, label] = draw(random);
    points[2 * n] = x;
    points[2 * n + 1] = y;
    labels[n] = label;
  }
  return { points, labels };
}

/** Values per example of a named data set: the model's input and output width. */
export function featuresOf(data: string): number {
  return isPointData(data) ? POINT_FEATURES : PIXELS;
}
