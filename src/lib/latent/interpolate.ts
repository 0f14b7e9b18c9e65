/** One end of an interpolation: a code μ and what it is, in words. */
export interface Endpoint {
  label: string;
  mu: number[];
}

/** How many images the interpolation strip shows, both ends included. */
export const INTERPOLATION_STEPS = 10;

/**
 * `steps` evenly spaced points on the straight line from `a` to `b`, both
 * ends included: the first is exactly `a`, the last exactly `b`.
 */
export function interpolate(a: readonly number[], b: readonly number[], steps = INTERPOLATION_STEPS): number[][] {
  if (a.length !== b.length) throw new Error(`the two points have different sizes (${a.length} and ${b.length})`);
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`need at least 2 steps, got ${steps}`);
  return Array.from({ length: steps }, (_, i) => {
    if (i === steps - 1) return [...b];
    const t = i / (steps - 1);
    return a.map((v, d) => v + t * (b[d] - v));
  });
}
