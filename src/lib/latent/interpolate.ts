/**
 * One end of an interpolation: a code μ and what it is, in words. `source`
 * says which image it encodes, so μ can follow the encoder as it trains.
 */
export interface Endpoint {
  label: string;
  mu: number[];
  source: { kind: 'test'; index: number } | { kind: 'drawing'; pixels: Float32Array };
}

/** The latest codes of every test image (testCount × latent). */
export interface CodeTable {
  means: Float32Array;
  latent: number;
}

/**
 * A test image's end with its μ read from the newest codes (the same object
 * when they do not cover it or μ did not move); other ends as they are.
 */
export function followCodes(end: Endpoint, codes: CodeTable | null): Endpoint {
  if (end.source.kind !== 'test' || !codes || codes.latent !== end.mu.length) return end;
  const start = end.source.index * codes.latent;
  if (start < 0 || start + codes.latent > codes.means.length) return end;
  const mu = Array.from(codes.means.subarray(start, start + codes.latent));
  return mu.every((v, d) => v === end.mu[d]) ? end : { ...end, mu };
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
