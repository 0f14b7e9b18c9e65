import { beforeAll, describe, expect, it } from 'vitest';
import { readMnistPackage } from '../../src/lib/data/mnist-source';
import {
  FORMAT_VERSION,
  HEADER_BYTES,
  MAGIC,
  PIXELS,
  PackFormatError,
  fnv1a,
  packDigits,
  toByte,
  unpackDigits,
  type DigitSet,
} from '../../src/lib/data/pack';
import { TEST_PER_CLASS, fixedSplit, gatherImages, gatherLabels } from '../../src/lib/data/split';
import { mixSeed, mulberry32, seededPermutation } from '../../src/lib/data/rng';
import { SHAPE_NAMES, generateShapes } from '../../src/lib/data/shapes';
import { mnistFromPacked, syntheticShapes } from '../../src/lib/training/dataset';

let raw: DigitSet;
let packed: Uint8Array;

beforeAll(() => {
  raw = readMnistPackage();
  packed = packDigits(raw);
});

/** Indices (into the whole set) of digit d's images, in file order. */
function positionsOf(labels: Uint8Array, d: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === d) out.push(i);
  return out;
}

function expectPackError(buffer: Uint8Array, message: RegExp): void {
  let caught: unknown;
  try {
    unpackDigits(buffer);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(PackFormatError);
  expect((caught as Error).name).toBe('PackFormatError');
  expect((caught as Error).message).toMatch(message);
}

/** Re-stamps the checksum so a deliberate header/body edit is not caught by the checksum first. */
function restamp(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(20, fnv1a(bytes.subarray(HEADER_BYTES)), true);
  return bytes;
}

describe('the mnist package as read', () => {
  it('holds 10,000 images grouped by digit in file order, pixels as bytes', () => {
    expect(raw.count).toBe(10_000);
    expect(raw.labels.length).toBe(raw.count);
    expect(raw.pixels.length).toBe(raw.count * PIXELS);
    // Grouped: labels never decrease.
    for (let i = 1; i < raw.count; i++) expect(raw.labels[i] >= raw.labels[i - 1]).toBe(true);
    for (let d = 0; d < 10; d++) expect(positionsOf(raw.labels, d).length).toBeGreaterThan(TEST_PER_CLASS);
    // Real images: some ink, some background.
    let max = 0;
    let zeros = 0;
    for (const p of raw.pixels) {
      if (p > max) max = p;
      if (p === 0) zeros++;
    }
    expect(max).toBe(255);
    expect(zeros).toBeGreaterThan(raw.pixels.length / 2);
  });
});

describe('fixed split on the real mnist package', () => {
  it('gives 8,000 train / 2,000 test with 200 test images per class', () => {
    const data = mnistFromPacked(packed);
    expect(data.name).toBe('mnist');
    expect(data.trainCount).toBe(8000);
    expect(data.testCount).toBe(2000);
    expect(data.trainImages.length).toBe(8000 * PIXELS);
    expect(data.testImages.length).toBe(2000 * PIXELS);
    expect(data.testLabels.length).toBe(2000);
    const perClass = new Array(10).fill(0);
    for (const l of data.testLabels) perClass[l]++;
    expect(perClass).toEqual(new Array(10).fill(200));
    expect(data.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('puts the LAST 200 images of each digit file in test, and everything else in train', () => {
    const { train, test } = fixedSplit(raw.labels);
    expect(train.length + test.length).toBe(raw.count);
    const testSet = new Set(test);
    const trainSet = new Set(train);
    expect(testSet.size).toBe(test.length);
    for (const i of train) expect(testSet.has(i)).toBe(false);
    for (let d = 0; d < 10; d++) {
      const pos = positionsOf(raw.labels, d);
      const n = pos.length;
      const expectedTest = pos.slice(n - 200);
      const expectedTrain = pos.slice(0, n - 200);
      const testOfD = Array.from(test).filter((i) => raw.labels[i] === d);
      const trainOfD = Array.from(train).filter((i) => raw.labels[i] === d);
      expect(testOfD).toEqual(expectedTest);
      expect(trainOfD.length).toBe(n - 200);
      for (const i of expectedTrain) expect(trainSet.has(i)).toBe(true);
    }
  });

  it('mnistFromPacked images/labels are exactly the last 200 of each digit (pixels/255, labels preserved)', () => {
    const data = mnistFromPacked(packed);
    let row = 0;
    let trainRow = 0;
    const trainPerClass = new Array(10).fill(0);
    for (let d = 0; d < 10; d++) {
      const pos = positionsOf(raw.labels, d);
      const n = pos.length;
      for (let k = n - 200; k < n; k++, row++) {
        expect(data.testLabels[row]).toBe(d);
        const src = pos[k] * PIXELS;
        // Spot-check a full image every 37 rows, and a strip of every row.
        const check = row % 37 === 0 ? PIXELS : 40;
        const offset = row % 37 === 0 ? 0 : 380;
        for (let p = offset; p < offset + check; p++) {
          if (data.testImages[row * PIXELS + p] !== Math.fround(raw.pixels[src + p] / 255)) {
            expect.fail(`test row ${row} (digit ${d}, position ${k}/${n}) pixel ${p} differs`);
          }
        }
      }
      // Train rows of digit d, in order: positions 0..n−201.
      for (let k = 0; k < n - 200; k++, trainRow++) {
        if (k % 50 !== 0) continue;
        const src = pos[k] * PIXELS;
        for (let p = 0; p < PIXELS; p++) {
          if (data.trainImages[trainRow * PIXELS + p] !== Math.fround(raw.pixels[src + p] / 255)) {
            expect.fail(`train row ${trainRow} (digit ${d}, position ${k}) pixel ${p} differs`);
          }
        }
      }
      trainPerClass[d] = n - 200;
    }
    expect(row).toBe(2000);
    expect(trainRow).toBe(8000);
    expect(trainPerClass.reduce((a, b) => a + b, 0)).toBe(8000);
    for (let i = 0; i < data.trainImages.length; i += 997) {
      expect(data.trainImages[i]).toBeGreaterThanOrEqual(0);
      expect(data.trainImages[i]).toBeLessThanOrEqual(1);
    }
  });

  it('counts position within each digit even when the digits are interleaved', () => {
    // Labels not grouped: 0,1,0,1,... with 250 of each → last 200 of each digit's own sequence.
    const labels = Uint8Array.from({ length: 500 }, (_, i) => i % 2);
    const { train, test } = fixedSplit(labels);
    expect(test.length).toBe(400);
    expect(train.length).toBe(100);
    // Digit 0 is at even indices; its first 50 (indices 0..98) are train.
    expect(Array.from(train)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('gatherImages/gatherLabels copy the chosen rows', () => {
    const set: DigitSet = {
      count: 3,
      labels: Uint8Array.from([4, 7, 9]),
      pixels: Uint8Array.from({ length: 3 * PIXELS }, (_, i) => (i < PIXELS ? 0 : i < 2 * PIXELS ? 255 : 51)),
    };
    const idx = Int32Array.from([2, 0]);
    const img = gatherImages(set, idx);
    expect(img.length).toBe(2 * PIXELS);
    expect(img[0]).toBeCloseTo(0.2, 7);
    expect(img[PIXELS]).toBe(0);
    expect(Array.from(gatherLabels(set, idx))).toEqual([9, 4]);
  });
});

describe('packer', () => {
  it('round-trips the whole mnist package exactly', () => {
    const back = unpackDigits(packed);
    expect(back.count).toBe(raw.count);
    expect(Buffer.from(back.labels).equals(Buffer.from(raw.labels))).toBe(true);
    expect(Buffer.from(back.pixels).equals(Buffer.from(raw.pixels))).toBe(true);
    expect(packed.length).toBe(HEADER_BYTES + raw.count * (1 + PIXELS));
    expect(String.fromCharCode(...packed.subarray(0, 8))).toBe(MAGIC);
    // Accepts an ArrayBuffer and a Uint8Array view with an offset.
    const shifted = new Uint8Array(packed.length + 5);
    shifted.set(packed, 5);
    const view = shifted.subarray(5);
    expect(unpackDigits(view).count).toBe(raw.count);
    expect(unpackDigits(packed.slice().buffer).count).toBe(raw.count);
  });

  it('round-trips a small set', () => {
    const set: DigitSet = {
      count: 4,
      labels: Uint8Array.from([0, 9, 3, 3]),
      pixels: Uint8Array.from({ length: 4 * PIXELS }, (_, i) => (i * 7) & 255),
    };
    const back = unpackDigits(packDigits(set));
    expect(Array.from(back.labels)).toEqual([0, 9, 3, 3]);
    expect(Array.from(back.pixels)).toEqual(Array.from(set.pixels));
  });

  it('packDigits rejects inconsistent sizes', () => {
    expect(() => packDigits({ count: 2, labels: new Uint8Array(1), pixels: new Uint8Array(2 * PIXELS) })).toThrow(PackFormatError);
    expect(() => packDigits({ count: 1, labels: new Uint8Array(1), pixels: new Uint8Array(PIXELS - 1) })).toThrow(PackFormatError);
  });

  const small = (): Uint8Array =>
    packDigits({ count: 3, labels: Uint8Array.from([1, 2, 3]), pixels: Uint8Array.from({ length: 3 * PIXELS }, (_, i) => i % 256) });

  it('rejects a buffer too short for the header', () => {
    expectPackError(small().slice(0, 10), /too short/);
    expectPackError(new Uint8Array(0), /too short/);
  });

  it('rejects a truncated body', () => {
    const bytes = small();
    expectPackError(bytes.slice(0, bytes.length - 1), /truncated/);
    expectPackError(bytes.slice(0, HEADER_BYTES + 3), /truncated/);
    // And trailing garbage.
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expectPackError(longer, /header promises/);
  });

  it('rejects bad magic bytes', () => {
    const bytes = small();
    bytes[0] = 'X'.charCodeAt(0);
    expectPackError(bytes, /magic/);
  });

  it('rejects an unsupported version', () => {
    const bytes = small();
    new DataView(bytes.buffer).setUint32(8, FORMAT_VERSION + 1, true);
    expectPackError(bytes, /version 2/);
  });

  it('rejects a wrong pixels-per-image field', () => {
    const bytes = small();
    new DataView(bytes.buffer).setUint32(16, 783, true);
    expectPackError(bytes, /784 pixels per image/);
  });

  it('rejects a flipped byte via the checksum (in labels and in pixels)', () => {
    const a = small();
    a[HEADER_BYTES + 1] ^= 0x01;
    expectPackError(a, /checksum/);
    const b = small();
    b[b.length - 100] ^= 0x80;
    expectPackError(b, /checksum/);
    const c = small();
    c[21] ^= 0x10; // the stored checksum itself
    expectPackError(c, /checksum/);
  });

  it('rejects a label > 9 even with a valid checksum', () => {
    const bytes = small();
    bytes[HEADER_BYTES + 2] = 10;
    expectPackError(restamp(bytes), /label 10 at image 2 is not a digit/);
  });

  it('fnv1a matches the reference FNV-1a 32-bit values', () => {
    expect(fnv1a(new Uint8Array(0))).toBe(0x811c9dc5);
    expect(fnv1a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(fnv1a(new TextEncoder().encode('foobar'))).toBe(0xbf9cf968);
  });
});

describe('toByte', () => {
  it('maps [0, 1] onto 0..255 and clamps outside', () => {
    expect(toByte(0)).toBe(0);
    expect(toByte(1)).toBe(255);
    expect(toByte(-0.5)).toBe(0);
    expect(toByte(1.7)).toBe(255);
    expect(toByte(0.5)).toBe(128); // 127.5 rounds up
    // The package stores k/255 rounded to 3 d.p.; every k must come back exactly.
    for (let k = 0; k <= 255; k++) expect(toByte(Number((k / 255).toFixed(3)))).toBe(k);
  });
});

describe('seededPermutation', () => {
  it('is a permutation of 0..n−1', () => {
    for (const n of [0, 1, 2, 17, 1000]) {
      const p = seededPermutation(n, 99);
      expect(p.length).toBe(n);
      expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('is deterministic by seed, and different seeds give different orders', () => {
    expect(Array.from(seededPermutation(500, 7))).toEqual(Array.from(seededPermutation(500, 7)));
    expect(Array.from(seededPermutation(500, 7))).not.toEqual(Array.from(seededPermutation(500, 8)));
    // Actually shuffles.
    const p = seededPermutation(500, 7);
    let fixed = 0;
    for (let i = 0; i < 500; i++) if (p[i] === i) fixed++;
    expect(fixed).toBeLessThan(20);
  });

  it('mixSeed gives distinct seeds per (seed, epoch) and mulberry32 is in [0, 1)', () => {
    const seeds = new Set<number>();
    for (let s = 0; s < 20; s++) for (let e = 0; e < 20; e++) seeds.add(mixSeed(s, e));
    expect(seeds.size).toBe(400);
    const r = mulberry32(5);
    for (let i = 0; i < 1000; i++) {
      const v = r();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });
});

describe('generateShapes', () => {
  it('is deterministic by seed and differs across seeds', () => {
    const a = generateShapes(50, 123);
    const b = generateShapes(50, 123);
    const c = generateShapes(50, 124);
    expect(Buffer.from(a.images.buffer).equals(Buffer.from(b.images.buffer))).toBe(true);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Buffer.from(a.images.buffer).equals(Buffer.from(c.images.buffer))).toBe(false);
  });

  it('has binary pixels, labels 0..3 (all four used), and every image non-empty', () => {
    const n = 400;
    const { images, labels } = generateShapes(n, 2024);
    expect(images.length).toBe(n * PIXELS);
    expect(labels.length).toBe(n);
    for (const v of images) if (v !== 0 && v !== 1) expect.fail(`pixel value ${v}`);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      expect(labels[i]).toBeGreaterThanOrEqual(0);
      expect(labels[i]).toBeLessThan(SHAPE_NAMES.length);
      seen.add(labels[i]);
      let ink = 0;
      for (let p = 0; p < PIXELS; p++) ink += images[i * PIXELS + p];
      if (ink === 0) expect.fail(`image ${i} (label ${labels[i]}) is empty`);
      expect(ink).toBeLessThan(PIXELS);
    }
    expect(seen.size).toBe(4);
  });

  it('syntheticShapes has the documented sizes', () => {
    const s = syntheticShapes();
    expect(s.trainCount).toBe(8000);
    expect(s.testCount).toBe(2000);
    expect(s.trainImages.length).toBe(8000 * PIXELS);
    expect(s.testLabels.length).toBe(2000);
    expect(s.classNames).toEqual(SHAPE_NAMES);
  });
});
