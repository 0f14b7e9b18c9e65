/** The 2-D point sets are drawn from the run's seed: same seed, same points (a link, a reload, a resume); another seed, others. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './setup-tf';
import { POINT_SETS } from '../../src/lib/data/points2d';
import { pointSet } from '../../src/lib/training/dataset';
import { loaderSession } from './loader-session';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../src/lib/config/types';

beforeAll(async () => {
  await useCpuBackend();
});

describe('point sets follow the seed', () => {
  for (const name of POINT_SETS) {
    it(`${name}: the same seed gives identical arrays, another seed other points`, () => {
      const a = pointSet(name, 42);
      const b = pointSet(name, 42);
      const c = pointSet(name, 43);
      expect(a.trainImages).toEqual(b.trainImages);
      expect(a.testImages).toEqual(b.testImages);
      expect(a.testLabels).toEqual(b.testLabels);
      expect(c.trainImages).not.toEqual(a.trainImages);
      expect(c.testImages).not.toEqual(a.testImages);
      // Train and test are different draws, not the same points twice.
      expect(a.testImages).not.toEqual(a.trainImages.subarray(0, a.testImages.length));
    });
  }

  it('the session draws the points from the config\'s seed, and back again when the seed comes back', async () => {
    const { session, sent } = loaderSession();
    const config = (seed: number): PlaygroundConfig => ({ ...DEFAULT_CONFIG, data: 'spiral', hidden: [8], batch: 64, seed, backend: 'cpu' });
    const testPoints = async (generation: number, seed: number) => {
      sent.length = 0;
      session.receive({ type: 'init', generation, config: config(seed), dataUrl: '' });
      await session.idle();
      const ready = sent.find((m) => m.type === 'ready');
      if (ready?.type !== 'ready' || !ready.testPoints) throw new Error('no ready with test points');
      return ready.testPoints;
    };
    const first = await testPoints(1, 5);
    expect(first).toEqual(pointSet('spiral', 5).testImages);
    const other = await testPoints(2, 6);
    expect(other).toEqual(pointSet('spiral', 6).testImages);
    expect(other).not.toEqual(first);
    expect(await testPoints(3, 5)).toEqual(first);
    session.dispose();
  });
});
