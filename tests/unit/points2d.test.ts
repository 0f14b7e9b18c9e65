import { describe, expect, it } from 'vitest';
import { generatePoints, POINT_CLASS_NAMES, POINT_SETS } from '../../src/lib/data/points2d';

describe('2-D point sets', () => {
  for (const name of POINT_SETS) {
    it(`${name}: the same seed gives the same points, another seed other points`, () => {
      const a = generatePoints(name, 500, 7);
      const b = generatePoints(name, 500, 7);
      const c = generatePoints(name, 500, 8);
      expect(a.points).toEqual(b.points);
      expect(a.labels).toEqual(b.labels);
      expect(a.points).not.toEqual(c.points);
    });

    it(`${name}: finite points in a bounded box, every class present`, () => {
      const { points, labels } = generatePoints(name, 4000, 1);
      expect(points.length).toBe(8000);
      for (const v of points) {
        expect(Number.isFinite(v)).toBe(true);
        expect(Math.abs(v)).toBeLessThan(4);
      }
      const classes = POINT_CLASS_NAMES[name].length;
      const seen = new Set(labels);
      expect(seen.size).toBe(classes);
      for (const l of labels) expect(l).toBeLessThan(classes);
    });
  }

  it('rings: each blob sits at its own point of the circle of radius 2', () => {
    const { points, labels } = generatePoints('rings', 2000, 3);
    for (let n = 0; n < labels.length; n++) {
      const angle = (labels[n] * Math.PI) / 4;
      expect(Math.hypot(points[2 * n] - 2 * Math.cos(angle), points[2 * n + 1] - 2 * Math.sin(angle))).toBeLessThan(0.6);
    }
  });

  it('moons: the two moons are apart (upper moon higher on average)', () => {
    const { points, labels } = generatePoints('moons', 2000, 3);
    const meanY = [0, 1].map((c) => {
      let sum = 0;
      let n = 0;
      labels.forEach((l, i) => { if (l === c) { sum += points[2 * i + 1]; n++; } });
      return sum / n;
    });
    expect(meanY[0] - meanY[1]).toBeGreaterThan(0.5);
  });
});
