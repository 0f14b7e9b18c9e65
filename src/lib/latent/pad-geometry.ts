/** Maps between latent coordinates and pad pixels; the pad shows [−range, range] on both axes. */
export interface PadGeometry {
  size: number;
  range: number;
}

export function latentToPad(value: number, axis: 'x' | 'y', g: PadGeometry): number {
  const t = (value + g.range) / (2 * g.range);
  return axis === 'x' ? t * g.size : (1 - t) * g.size;
}

export function padToLatent(pixel: number, axis: 'x' | 'y', g: PadGeometry): number {
  const t = Math.min(1, Math.max(0, pixel / g.size));
  return axis === 'x' ? (2 * t - 1) * g.range : (1 - 2 * t) * g.range;
}

/**
 * A range that shows nearly all of the test codes: at least the prior's ±3σ,
 * grown to the 99th percentile of |μ| on the two shown dimensions (capped).
 */
export function rangeFor(means: Float32Array, latent: number, dx: number, dy: number): number {
  const count = means.length / latent;
  if (count === 0) return 3;
  const extents = new Float32Array(count);
  for (let i = 0; i < count; i++) extents[i] = Math.max(Math.abs(means[i * latent + dx]), Math.abs(means[i * latent + dy]));
  extents.sort();
  const p99 = extents[Math.min(count - 1, Math.floor(count * 0.99))];
  const wanted = Number.isFinite(p99) ? p99 * 1.1 : 3;
  return Math.min(50, Math.max(3, Math.ceil(wanted)));
}
