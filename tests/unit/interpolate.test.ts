import { describe, expect, it } from 'vitest';
import { interpolate, INTERPOLATION_STEPS } from '../../src/lib/latent/interpolate';

describe('interpolate', () => {
  it('gives 10 evenly spaced points from A to B, both ends exact', () => {
    const a = [0.1, -2, 3];
    const b = [1.3, 2, -0.7];
    const points = interpolate(a, b);
    expect(points).toHaveLength(INTERPOLATION_STEPS);
    expect(INTERPOLATION_STEPS).toBe(10);
    expect(points[0]).toEqual(a);
    expect(points[9]).toEqual(b);
    for (let i = 0; i < 10; i++) {
      for (let d = 0; d < 3; d++) expect(points[i][d]).toBeCloseTo(a[d] + (i / 9) * (b[d] - a[d]), 12);
    }
    // Equal steps: every gap is the same vector.
    for (let i = 1; i < 10; i++) {
      for (let d = 0; d < 3; d++) expect(points[i][d] - points[i - 1][d]).toBeCloseTo((b[d] - a[d]) / 9, 12);
    }
  });

  it('does not alias its inputs', () => {
    const a = [1, 2];
    const b = [3, 4];
    const points = interpolate(a, b, 2);
    points[0][0] = 99;
    points[1][0] = 99;
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([3, 4]);
  });

  it('refuses mismatched points and fewer than two steps', () => {
    expect(() => interpolate([0, 1], [0, 1, 2])).toThrow(/different sizes/);
    expect(() => interpolate([0], [1], 1)).toThrow(/at least 2/);
  });
});
