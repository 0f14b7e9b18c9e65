import type { TrainingData } from '../../training/dataset';
import { fnv1a, PIXELS } from '../pack';
import { POINT_FEATURES, UPLOADED_POINTS } from '../points2d';
import { seededPermutation } from '../rng';

/**
 * An uploaded set before its split: `count` rows of `features` values and a
 * label per row. Images: 784 values in [0, 1]. Points (from a CSV): x, y
 * after standardising (see points.ts), with how they were scaled.
 */
export interface CustomSet {
  /** Names the content (see customSetId): a saved run refers to its set by it. */
  id: string;
  count: number;
  /** PIXELS for images, POINT_FEATURES for points. Sets saved before points existed lack it: images. */
  features?: number;
  /** count × features values (the name is older than points). */
  images: Float32Array;
  labels: Uint8Array;
  classNames: string[];
  /** What was read, in words (file names), for the record. */
  source: string;
  /** Points only: the shift and the divisor that gave them zero mean and unit spread. */
  scaling?: { centre: [number, number]; scale: number };
}

/** The data sets an upload can be: uploads never travel in a link. */
export const UPLOAD_DATASETS = ['custom', UPLOADED_POINTS] as const;
export type UploadDataset = (typeof UPLOAD_DATASETS)[number];

export function isUploadData(name: string): name is UploadDataset {
  return (UPLOAD_DATASETS as readonly string[]).includes(name);
}

export function featuresOfSet(set: Pick<CustomSet, 'features'>): number {
  return set.features ?? PIXELS;
}

/** The data set an uploaded set trains as: `custom` (images) or `custom-points`. */
export function datasetOf(set: Pick<CustomSet, 'features'>): UploadDataset {
  return featuresOfSet(set) === POINT_FEATURES ? UPLOADED_POINTS : 'custom';
}

/** "images" or "points": what one row of the set is, in words. */
export function rowsWord(set: Pick<CustomSet, 'features'>, count = 2): string {
  const points = featuresOfSet(set) === POINT_FEATURES;
  return count === 1 ? (points ? 'point' : 'image') : points ? 'points' : 'images';
}

export const TEST_SHARE = 0.2;

/** An id from the set's content: the same rows, labels and class names give the same id. */
export function customSetId(set: Omit<CustomSet, 'id' | 'source' | 'scaling'>): string {
  const images = fnv1a(new Uint8Array(set.images.buffer, set.images.byteOffset, set.images.byteLength));
  const labels = fnv1a(set.labels);
  const names = fnv1a(new TextEncoder().encode(set.classNames.join('\n')));
  const id = [set.count, images, labels, names].map((n) => n.toString(16)).join('-');
  return featuresOfSet(set) === PIXELS ? id : `${id}-${featuresOfSet(set)}d`; // image sets keep the ids saved runs know them by
}

/** Test rows in a set of `count`: a fifth, rounded, and at least one. */
export function testCountFor(count: number): number {
  return Math.max(1, Math.round(count * TEST_SHARE));
}

/**
 * The 80/20 split, shuffled with `seed`: the same set and seed always give
 * the same split. Rows keep their order within train and within test.
 */
export function splitCustom(set: CustomSet, seed: number): TrainingData {
  const features = featuresOfSet(set);
  const order = seededPermutation(set.count, seed);
  const testCount = testCountFor(set.count);
  const testIndices = Int32Array.from(order.subarray(0, testCount)).sort();
  const trainIndices = Int32Array.from(order.subarray(testCount)).sort();
  const gather = (indices: Int32Array) => {
    const out = new Float32Array(indices.length * features);
    indices.forEach((src, row) => out.set(set.images.subarray(src * features, (src + 1) * features), row * features));
    return out;
  };
  return {
    name: datasetOf(set),
    features,
    trainImages: gather(trainIndices),
    trainCount: trainIndices.length,
    testImages: gather(testIndices),
    testCount,
    testLabels: Uint8Array.from(testIndices, (i) => set.labels[i]),
    classNames: [...set.classNames],
  };
}

/** "40 images in 2 classes: 32 train, 8 test" (or "… points …"). */
export function summaryText(set: Pick<CustomSet, 'count' | 'classNames' | 'features'>): string {
  const test = testCountFor(set.count);
  const classes = set.classNames.length;
  return `${set.count.toLocaleString('en')} ${rowsWord(set, set.count)} in ${classes} ${classes === 1 ? 'class' : 'classes'}: ${(set.count - test).toLocaleString('en')} train, ${test.toLocaleString('en')} test`;
}
