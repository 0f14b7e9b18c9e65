import { PIXELS, unpackDigits } from '../data/pack';
import { fixedSplit, gatherImages, gatherLabels } from '../data/split';
import { generateShapes, SHAPES_TEST, SHAPES_TRAIN, SHAPE_NAMES } from '../data/shapes';

/** Train and test images as flat float arrays (rows of 784 in [0, 1]), ready for upload. */
export interface TrainingData {
  name: string;
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
    trainImages: train.images,
    trainCount: SHAPES_TRAIN,
    testImages: test.images,
    testCount: SHAPES_TEST,
    testLabels: test.labels,
    classNames: SHAPE_NAMES,
  };
}

export function imageCount(images: Float32Array): number {
  return images.length / PIXELS;
}
