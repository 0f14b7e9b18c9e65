import { PIXELS } from '../../src/lib/data/pack';
import { mulberry32 } from '../../src/lib/data/rng';
import type { TrainingData } from '../../src/lib/training/dataset';
import type { TrainerSettings } from '../../src/lib/training/trainer';

/** A small seeded data set of blurry random blobs: enough to train on in milliseconds on the cpu backend. */
export function tinyData(trainCount = 48, testCount = 16, seed = 5): TrainingData {
  const random = mulberry32(seed);
  const image = () => {
    const out = new Float32Array(PIXELS);
    const cx = 6 + random() * 16;
    const cy = 6 + random() * 16;
    for (let p = 0; p < PIXELS; p++) {
      const d = Math.hypot((p % 28) - cx, Math.floor(p / 28) - cy);
      out[p] = Math.max(0, Math.min(1, 1.5 - d / 4));
    }
    return out;
  };
  const fill = (count: number) => {
    const all = new Float32Array(count * PIXELS);
    for (let i = 0; i < count; i++) all.set(image(), i * PIXELS);
    return all;
  };
  return {
    name: 'tiny',
    features: PIXELS,
    trainImages: fill(trainCount),
    trainCount,
    testImages: fill(testCount),
    testCount,
    testLabels: Uint8Array.from({ length: testCount }, (_, i) => i % 2),
    classNames: ['a', 'b'],
  };
}

export function tinySettings(over: Partial<TrainerSettings> = {}): TrainerSettings {
  return {
    arch: { inputSize: PIXELS, hidden: [8], latent: 2, act: 'relu' },
    recon: 'bce',
    beta: 1,
    warmup: 0,
    lr: 3e-3,
    opt: 'adam',
    batch: 16,
    seed: 3,
    ...over,
  };
}
