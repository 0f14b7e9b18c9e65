import { describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP_BETAS, logSpaced, parseBetaList, sweepEpochsProblem, sweepRequestProblem } from '../../src/lib/sweep/beta-list';

describe('β list', () => {
  it('defaults to seven log-spaced values from 0.1 to 8', () => {
    expect(DEFAULT_SWEEP_BETAS).toEqual([0.1, 0.21, 0.43, 0.89, 1.9, 3.9, 8]);
    expect(logSpaced(1, 100, 3)).toEqual([1, 10, 100]);
  });

  it('reads commas, semicolons and spaces, sorts, and keeps good input without notes', () => {
    expect(parseBetaList('3, 0.1;1  8,0.3')).toEqual({ betas: [0.1, 0.3, 1, 3, 8], notes: [] });
    expect(parseBetaList(' 2 ')).toEqual({ betas: [2], notes: [] });
    expect(parseBetaList('1e-1, 0')).toEqual({ betas: [0, 0.1], notes: [] });
  });

  it('names each bad value and says what was used instead', () => {
    expect(parseBetaList('0.5, abc, -2, 60, 0.5')).toEqual({
      betas: [0, 0.5, 50],
      notes: [
        '“abc” is not a number, so it was left out.',
        'β = -2 is below 0; 0 was used instead.',
        'β = 60 is above 50; 50 was used instead.',
        'Repeated values were trained once.',
      ],
    });
    const many = parseBetaList('1 2 3 4 5 6 7 8 9 10 11 12 13 14');
    expect('betas' in many && many.betas).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect('notes' in many && many.notes).toEqual(['A sweep takes at most 12 values; the 12 smallest were used (13, 14 left out).']);
  });

  it('fails only when nothing is left', () => {
    expect(parseBetaList('  ,; ')).toEqual({ problem: 'Enter at least one β, for example 0.1, 0.21, 0.43, 0.89, 1.9, 3.9, 8.' });
    expect(parseBetaList('x, Infinity')).toEqual({ problem: 'No β is left to train: “x” is not a number, so it was left out. “Infinity” is not a number, so it was left out.' });
  });

  it('checks epochs and whole requests', () => {
    expect(sweepEpochsProblem(1)).toBeNull();
    expect(sweepEpochsProblem(20)).toBeNull();
    for (const bad of [0, 21, 1.5, Number.NaN]) expect(sweepEpochsProblem(bad)).toBe('Epochs per value must be a whole number from 1 to 20.');
    expect(sweepRequestProblem([0.1, 1], 2)).toBeNull();
    expect(sweepRequestProblem([Number.NaN], 1)).toBe('β = NaN is outside 0–50');
    expect(sweepRequestProblem(Array.from({ length: 13 }, (_, i) => i), 1)).toBe('a sweep takes at most 12 values of β');
  });
});
