import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './setup-tf';
import { LossReads } from '../../src/lib/training/loss-reads';

beforeAll(useCpuBackend);

const stats = (step: number) => tf.tensor1d([step, step / 10, 1]);

describe('LossReads: loss statistics come back in batches', () => {
  it('reads the first step at once, then whole batches, in step order, and holds no tensor afterwards', async () => {
    const before = tf.memory().numTensors;
    const reads = new LossReads(() => 3);
    reads.push(1, stats(1));
    expect(reads.inFlight).toBe(1);
    for (const step of [2, 3, 4, 5]) reads.push(step, stats(step));
    // Steps 2-4 made a batch; step 5 waits for the next.
    expect(reads.inFlight).toBe(2);
    expect(reads.heldTensors).toBe(3);
    reads.flush();
    const seen: number[][] = [];
    while (reads.inFlight > 0) {
      const oldest = reads.oldest()!;
      const values = await oldest.read;
      oldest.steps.forEach((step, i) => seen.push([step, values[3 * i], values[3 * i + 1]]));
      reads.dropOldest();
    }
    expect(seen.map(([step]) => step)).toEqual([1, 2, 3, 4, 5]);
    seen.forEach(([step, recon, kl]) => {
      expect(recon).toBe(step);
      expect(kl).toBeCloseTo(step / 10, 6);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposes what is unread and in flight when a run stops', () => {
    const before = tf.memory().numTensors;
    const reads = new LossReads(() => 4);
    for (const step of [1, 2, 3]) reads.push(step, stats(step));
    reads.dispose();
    expect(reads.empty).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
