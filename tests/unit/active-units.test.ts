import { describe, expect, it } from 'vitest';
import { ACTIVE_KL_NATS, classifyUnits, traversalValues } from '../../src/lib/latent/active-units';

describe('classifyUnits', () => {
  it('marks dimensions above 0.01 nats active and the rest collapsed', () => {
    const units = classifyUnits([2.5, 0.005, 0.01, 0.0101, 0]);
    expect(units.map((u) => u.active)).toEqual([true, false, false, true, false]);
    expect(units.map((u) => u.dim)).toEqual([0, 1, 2, 3, 4]);
    expect(units[0].kl).toBe(2.5);
    expect(ACTIVE_KL_NATS).toBe(0.01);
  });

  it('never calls a non-finite KL active', () => {
    expect(classifyUnits(new Float32Array([NaN, Infinity, 1])).map((u) => u.active)).toEqual([false, false, true]);
  });

  it('takes its threshold as an argument', () => {
    expect(classifyUnits([0.5, 1.5], 1).map((u) => u.active)).toEqual([false, true]);
  });
});

describe('traversalValues', () => {
  it('runs from −3 to 3 in 7 steps through 0', () => {
    expect(traversalValues()).toEqual([-3, -2, -1, 0, 1, 2, 3]);
  });
});
