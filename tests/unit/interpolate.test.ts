import { describe, expect, it } from 'vitest';
import { followCodes, interpolate, INTERPOLATION_STEPS } from '../../src/lib/latent/interpolate';

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

describe('followCodes', () => {
  const codes = { latent: 2, means: Float32Array.from([0, 0, 1.5, -2, 3, 4]) };
  it("reads a test image's μ from the newest codes", () => {
    const end = { label: 'test image 1', mu: [0.1, 0.2], source: { kind: 'test' as const, index: 1 } };
    expect(followCodes(end, codes)).toEqual({ ...end, mu: [1.5, -2] });
  });
  it('keeps the same object when nothing moved, codes are missing, of another size, or do not cover the image', () => {
    const end = { label: 'test image 2', mu: [3, 4], source: { kind: 'test' as const, index: 2 } };
    expect(followCodes(end, codes)).toBe(end);
    expect(followCodes(end, null)).toBe(end);
    expect(followCodes({ ...end, mu: [1, 2, 3] }, codes).mu).toEqual([1, 2, 3]);
    const beyond = { ...end, source: { kind: 'test' as const, index: 3 } };
    expect(followCodes(beyond, codes)).toBe(beyond);
  });
  it('leaves a drawing to be encoded again', () => {
    const end = { label: 'your drawing', mu: [9, 9], source: { kind: 'drawing' as const, pixels: new Float32Array(784) } };
    expect(followCodes(end, codes)).toBe(end);
  });
});
