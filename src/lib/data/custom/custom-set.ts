import type { TrainingData } from '../../training/dataset';
import { fnv1a, PIXELS } from '../pack';
import { seededPermutation } from '../rng';

/** An uploaded image set before its split: count × 784 values in [0, 1], a label per image. */
export interface CustomSet {
  /** Names the content (see customSetId): a saved run refers to its set by it. */
  id: string;
  count: number;
  images: Float32Array;
  labels: Uint8Array;
  classNames: string[];
  /** What was read, in words (file names), for the record. */
  source: string;
}

export const TEST_SHARE = 0.2;

/** An id from the set's content: the same images, labels and class names give the same id. */
export function customSetId(set: Omit<CustomSet, 'id' | 'source'>): string {
  const images = fnv1a(new Uint8Array(set.images.buffer, set.images.byteOffset, set.images.byteLength));
  const labels = fnv1a(set.labels);
  const names = fnv1a(new TextEncoder().encode(set.classNames.join('\n')));
  return [set.count, images, labels, names].map((n) => n.toString(16)).join('-');
}

/** Test images in a set of `count`: a fifth, rounded, and at least one. */
export function testCountFor(count: number): number {
  return Math.max(1, Math.round(count * TEST_SHARE));
}

/**
 * The 80/20 split, shuffled with `seed`: the same set and seed always give
 * the same split. Images keep their order within train and within test.
 */
export function splitCustom(set: CustomSet, seed: number): TrainingData {
  const order = seededPermutation(set.count, seed);
  const testCount = testCountFor(set.count);
  const testIndices = Int32Array.from(order.subarray(0, testCount)).sort();
  const trainIndices = Int32Array.from(order.subarray(testCount)).sort();
  const gather = (indices: Int32Array) => {
    const out = new Float32Array(indices.length * PIXELS);
    indices.forEach((src, row) => out.set(set.images.subarray(src * PIXELS, (src + 1) * PIXELS), row * PIXELS));
    return out;
  };
  return {
    name: 'custom',
    features: PIXELS,
    trainImages: gather(trainIndices),
    trainCount: trainIndices.length,
    testImages: gather(testIndices),
    testCount,
    testLabels: Uint8Array.from(testIndices, (i) => set.labels[i]),
    classNames: [...set.classNames],
  };
}

/** "40 images in 2 classes: 32 train, 8 test". */
export function summaryText(set: Pick<CustomSet, 'count' | 'classNames'>): string {
  const test = testCountFor(set.count);
  const classes = set.classNames.length;
  return `${set.count.toLocaleString('en')} images in ${classes} ${classes === 1 ? 'class' : 'classes'}: ${(set.count - test).toLocaleString('en')} train, ${test.toLocaleString('en')} test`;
}
