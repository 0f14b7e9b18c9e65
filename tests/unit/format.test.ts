import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readableNumber } from '../../src/lib/format/number';

describe('readableNumber', () => {
  it('ordinary values keep two decimals, huge ones go scientific, non-numbers show a dash', () => {
    expect(readableNumber(172.4712)).toBe('172.47');
    expect(readableNumber(-0.5)).toBe('-0.50');
    expect(readableNumber(91091517440)).toBe('9.11e+10');
    expect(readableNumber(Number.NaN)).toBe('–');
    expect(readableNumber(Infinity)).toBe('–');
    expect(readableNumber(undefined)).toBe('–');
  });

  it('never prints more than 12 characters or a NaN, whatever the double', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        const text = readableNumber(value);
        expect(text.length).toBeLessThanOrEqual(12);
        expect(text).not.toMatch(/NaN|Infinity/);
      }),
      { numRuns: 5000, seed: 7 },
    );
  });
});
