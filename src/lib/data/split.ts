import type { DigitSet } from './pack';
import { PIXELS } from './pack';

/** The fixed split: for each digit, the last 200 images of its file are test. */
export const TEST_PER_CLASS = 200;

export interface SplitIndices {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Images are stored in file order, grouped by digit; the split needs each
 * digit's position within its own file, so count from the end of each group.
 */
export function fixedSplit(labels: Uint8Array): SplitIndices {
  const perClass = new Array<number>(10).fill(0);
  for (const label of labels) perClass[label]++;
  const seen = new Array<number>(10).fill(0);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const d = labels[i];
    const positionInFile = seen[d]++;
    (positionInFile >= perClass[d] - TEST_PER_CLASS ? test : train).push(i);
  }
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** Copies the chosen images into one contiguous float array in [0, 1]. */
export function gatherImages(set: DigitSet, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length * PIXELS);
  for (let row = 0; row < indices.length; row++) {
    const src = indices[row] * PIXELS;
    for (let p = 0; p < PIXELS; p++) out[row * PIXELS + p] = set.pixels[src + p] / 255;
  }
  return out;
}

export function gatherLabels(set: DigitSet, indices: Int32Array): Uint8Array {
  return Uint8Array.from(indices, (i) => set.labels[i]);
}
