import { POINT_FEATURES } from '../points2d';
import type { CsvPoints } from './csv';
import { customSetId, type CustomSet } from './custom-set';
import { UploadError } from './problem';

/**
 * Uploaded points become a set like the built-in ones. Those live within
 * about ±2 and the decoder's σ is a fixed 0.1, so points in other units
 * (thousands, or thousandths) would be all noise or no noise. They are
 * centred on their mean and divided by one common spread (the root mean
 * square distance from the centre, over √2), which keeps their shape: a
 * circle stays a circle. The plot shows the scaled values.
 */
export function standardise(points: ArrayLike<number>): { values: Float32Array; centre: [number, number]; scale: number } {
  const n = points.length / POINT_FEATURES;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += points[2 * i] / n;
    my += points[2 * i + 1] / n;
  }
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (points[2 * i] - mx) ** 2 + (points[2 * i + 1] - my) ** 2;
  const scale = Math.sqrt(squares / (2 * n));
  const values = new Float32Array(points.length);
  for (let i = 0; i < n; i++) {
    values[2 * i] = (points[2 * i] - mx) / scale;
    values[2 * i + 1] = (points[2 * i + 1] - my) / scale;
  }
  return { values, centre: [mx, my], scale };
}

/** A CSV's points as an uploaded set; throws UploadError naming the file when they cannot make one. */
export function pointsSet(csv: CsvPoints, source: string): CustomSet {
  const count = csv.points.length / POINT_FEATURES;
  const { values, centre, scale } = standardise(csv.points);
  const fail = (message: string): never => {
    throw new UploadError({ file: source, message });
  };
  if (!Number.isFinite(scale) || !Number.isFinite(centre[0]) || !Number.isFinite(centre[1])) fail('its values are too large to work with (beyond about ±10^150)');
  if (!(scale > 0)) fail(count > 1 ? 'every point is the same, so there is no shape to learn' : 'holds a single point');
  const content = { count, features: POINT_FEATURES, images: values, labels: csv.labels, classNames: csv.classNames };
  return { ...content, id: customSetId(content), source, scaling: { centre, scale } };
}

/** "Centred on (12.5, −3) and divided by 4.2, so the points have unit spread; the plot shows the scaled values." */
export function scalingText(scaling: NonNullable<CustomSet['scaling']>): string {
  const num = (v: number) => Number(v.toPrecision(3)).toLocaleString('en', { maximumFractionDigits: 6 }).replace('-', '−');
  return `Centred on (${num(scaling.centre[0])}, ${num(scaling.centre[1])}) and divided by ${num(scaling.scale)}, so the points have unit spread; the plot shows the scaled values.`;
}
