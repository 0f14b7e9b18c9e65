/** Tiny SVG plotting helpers: linear scales and sampled curve paths. */

export type Scale = (v: number) => number;

/** Maps [d0, d1] linearly onto [r0, r1]. */
export function linear(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** An SVG path through f sampled at n + 1 points of [x0, x1]; non-finite values are clipped to the top. */
export function curvePath(f: (x: number) => number, x0: number, x1: number, sx: Scale, sy: Scale, n = 200, top = 0): string {
  let d = '';
  for (let i = 0; i <= n; i++) {
    const x = x0 + ((x1 - x0) * i) / n;
    const y = f(x);
    const py = Number.isFinite(y) ? Math.max(top, sy(y)) : top;
    d += `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(2)},${py.toFixed(2)}`;
  }
  return d;
}

/** The same curve closed down to the baseline y = 0, for a filled area. */
export function areaPath(f: (x: number) => number, x0: number, x1: number, sx: Scale, sy: Scale, n = 200): string {
  return `${curvePath(f, x0, x1, sx, sy, n)}L${sx(x1).toFixed(2)},${sy(0).toFixed(2)}L${sx(x0).toFixed(2)},${sy(0).toFixed(2)}Z`;
}

export function normalPdf(x: number, mean: number, sd: number): number {
  const z = (x - mean) / sd;
  return Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
}
