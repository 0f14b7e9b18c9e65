import type { TrainingData } from '../../src/lib/training/dataset';

/** A training set of uniform random values in [0, 1) from a small seeded generator, with 20 test rows of one class. */
export function randomData(features: number, trainCount: number, seed: number): TrainingData {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const testCount = 20;
  return {
    name: 'random',
    features,
    trainImages: Float32Array.from({ length: trainCount * features }, next),
    trainCount,
    testImages: Float32Array.from({ length: testCount * features }, next),
    testCount,
    testLabels: new Uint8Array(testCount),
    classNames: ['a'],
  };
}
