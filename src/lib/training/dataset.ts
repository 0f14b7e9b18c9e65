import { PIXELS, unpackDigits } from '../data/pack';
import { fixedSplit, gatherImages, gatherLabels } from '../data/split';
import { generateShapes, SHAPES_TEST, SHAPES_TRAIN, SHAPE_NAMES } from '../data/shapes';
import { mixSeed } from '../data/rng';
import { generatePoints, POINT_CLASS_NAMES, POINT_FEATURES, POINT_SETS, POINTS_TEST, POINTS_TRAIN, type PointSetName } from '../data/points2d';

/**
 * Train and test examples as flat float arrays, ready for upload: rows of
 * `features` values, 784 pixels in [0, 1] for images or (x, y) for 2-D points.
 * `features` is the model's input and output width.
 */
export interface TrainingData {
  name: string;
  features: number;
  trainImages: Float32Array;
  trainCount: number;
  testImages: Float32Array;
  testCount: number;
  testLabels: Uint8Array;
  classNames: readonly string[];
}

export const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export function mnistFromPacked(buffer: ArrayBuffer | Uint8Array): TrainingData {
  const set = unpackDigits(buffer);
  const { train, test } = fixedSplit(set.labels);
  return {
    name: 'mnist',
    features: PIXELS,
    trainImages: gatherImages(set, train),
    trainCount: train.length,
    testImages: gatherImages(set, test),
    testCount: test.length,
    testLabels: gatherLabels(set, test),
    classNames: DIGIT_NAMES,
  };
}

/** The synthetic set uses fixed seeds, independent of the model seed, like a real data set would. */
export function syntheticShapes(): TrainingData {
  const train = generateShapes(SHAPES_TRAIN, 1001);
  const test = generateShapes(SHAPES_TEST, 2002);
  return {
    name: 'shapes',
    features: PIXELS,
    trainImages: train.images,
    trainCount: SHAPES_TRAIN,
    testImages: test.images,
    testCount: SHAPES_TEST,
    testLabels: test.labels,
    classNames: SHAPE_NAMES,
  };
}

/**
 * A 2-D point set generated from the run's seed (the `seed` key): the same set
 * and seed always give the same points, so a link, a reload or a resumed run
 * trains on exactly the points it had; another seed draws other points.
 */
export function pointSet(name: PointSetName, seed: number): TrainingData {
  const base = mixSeed(seed, 3001 + POINT_SETS.indexOf(name));
  const train = generatePoints(name, POINTS_TRAIN, mixSeed(base, 1));
  const test = generatePoints(name, POINTS_TEST, mixSeed(base, 2));
  return {
    name,
    features: POINT_FEATURES,
    trainImages: train.points,
    trainCount: POINTS_TRAIN,
    testImages: test.points,
    testCount: POINTS_TEST,
    testLabels: test.labels,
    classNames: POINT_CLASS_NAMES[name],
  };
}

export function imageCount(images: Float32Array): number {
  return images.length / PIXELS;
}
