import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeShare } from '../../src/lib/training/time-share';

describe('TimeShare', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is due every period while runs are quick, and stretches the period to keep a slow run to its share', () => {
    const clock = vi.spyOn(performance, 'now');
    const job = new TimeShare(1000, 0.1);
    expect(job.due(1001)).toBe(true);
    job.began(0);
    clock.mockReturnValue(50); // a 50 ms run: 5 % of a second, the period stays 1 s
    job.ended(0);
    expect(job.due(1000)).toBe(false);
    expect(job.due(1001)).toBe(true);
    job.began(2000);
    clock.mockReturnValue(2400); // a 400 ms run may take 10 %: next one 4 s after it began
    job.ended(2000);
    expect(job.due(5999)).toBe(false);
    expect(job.due(6001)).toBe(true);
  });
});
