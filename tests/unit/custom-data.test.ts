/** "Your own data": image conversion, CSV parsing, zip reading with its caps, labels and the split — each against hand cases. */
import { describe, expect, it } from 'vitest';
import { Zip, ZipDeflate, zipSync, strToU8 } from 'fflate';
import { convertRgba, inkFromRgba } from '../../src/lib/data/custom/convert';
import { parseCsv } from '../../src/lib/data/custom/csv';
import { readZip } from '../../src/lib/data/custom/zip';
import { UPLOAD_CAPS } from '../../src/lib/data/custom/caps';
import { looseLabels, zipLabel } from '../../src/lib/data/custom/labels';
import { customSetId, splitCustom, summaryText, type CustomSet } from '../../src/lib/data/custom/custom-set';
import { UploadError } from '../../src/lib/data/custom/problem';
import { centreOfMass, inkExtent, preprocessDrawing } from '../../src/lib/latent/mnist-preprocess';

/** A width×height RGBA picture of `background` with rectangles of `ink` (RGBA tuples). */
function picture(width: number, height: number, background: number[], rects: [number, number, number, number][], ink: number[]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) out.set(background, 4 * i);
  for (const [x, y, w, h] of rects) for (let r = y; r < y + h; r++) for (let c = x; c < x + w; c++) out.set(ink, 4 * (r * width + c));
  return out;
}
const WHITE = [255, 255, 255, 255];
const BLACK = [0, 0, 0, 255];
const CLEAR = [0, 0, 0, 0];

function pixels(result: ReturnType<typeof convertRgba>): Float32Array {
  if (!result.ok) throw new Error(result.message);
  return result.pixels;
}

/** The UploadError a call throws, so its file, line and message can be checked. */
function problemOf(run: () => unknown): { file: string; line?: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof UploadError) return error.problem;
    throw error;
  }
  throw new Error('expected an UploadError');
}

describe('image conversion', () => {
  it('white on black: the ink is scaled so its larger side is 20 px and centred by mass at (14, 14)', () => {
    // A 12×40 bar at the top-left of a 100×60 picture: 6×20 once scaled, an exact whole-pixel shift to the centre.
    const out = pixels(convertRgba(picture(100, 60, BLACK, [[3, 2, 12, 40]], WHITE), 100, 60, false));
    expect(inkExtent(out)).toEqual({ width: 6, height: 20 });
    expect(out[4 * 28 + 11]).toBeCloseTo(1, 5); // top-left ink pixel: rows 4–23, columns 11–16
    expect(out[3 * 28 + 11]).toBe(0);
    const c = centreOfMass(out)!;
    expect(c.x).toBeCloseTo(14, 5);
    expect(c.y).toBeCloseTo(14, 5);
    expect(Math.max(...out)).toBeCloseTo(1, 5);
  });

  it('is exactly the drawing pad\'s preprocessing of the luminance', () => {
    const rgba = picture(30, 30, BLACK, [[5, 5, 4, 12]], [128, 128, 128, 255]);
    const grey = new Float32Array(900).map((_, i) => (i % 30 >= 5 && i % 30 < 9 && Math.floor(i / 30) >= 5 && Math.floor(i / 30) < 17 ? 128 / 255 : 0));
    const expected = preprocessDrawing(grey, 30, 30);
    expect(expected.ok).toBe(true);
    expect(Array.from(pixels(convertRgba(rgba, 30, 30, false)))).toEqual(Array.from((expected as { pixels: Float32Array }).pixels));
  });

  it('invert: black on white gives the same image as white on black', () => {
    const bright = pixels(convertRgba(picture(40, 40, BLACK, [[8, 4, 6, 30]], WHITE), 40, 40, false));
    const dark = pixels(convertRgba(picture(40, 40, WHITE, [[8, 4, 6, 30]], BLACK), 40, 40, true));
    expect(Array.from(dark)).toEqual(Array.from(bright));
    // Without invert the white page is the ink: a filled frame, not the bar.
    const wrong = pixels(convertRgba(picture(40, 40, WHITE, [[8, 4, 6, 30]], BLACK), 40, 40, false));
    expect(inkExtent(wrong)!.width).toBeGreaterThanOrEqual(20);
    expect(Array.from(wrong)).not.toEqual(Array.from(bright));
  });

  it('transparent pixels are background in both modes', () => {
    expect(Array.from(inkFromRgba(new Uint8ClampedArray([255, 255, 255, 0, 0, 0, 0, 0]), 2, 1, false))).toEqual([0, 0]);
    expect(Array.from(inkFromRgba(new Uint8ClampedArray([0, 0, 0, 0, 0, 0, 0, 255]), 2, 1, true))).toEqual([0, 1]);
    const out = pixels(convertRgba(picture(20, 20, CLEAR, [[2, 2, 4, 4]], BLACK), 20, 20, true));
    expect(inkExtent(out)).toEqual({ width: 20, height: 20 });
  });

  it('a blank picture is refused with a hint about the invert option', () => {
    const blank = convertRgba(picture(10, 10, WHITE, [], WHITE), 10, 10, true);
    expect(blank).toEqual({ ok: false, message: expect.stringContaining('blank') });
    const dark = convertRgba(picture(10, 10, BLACK, [], BLACK), 10, 10, false);
    expect(dark.ok ? '' : dark.message).toContain('dark on light');
  });
});

const row = (values: number[], label?: string) => [...values, ...(label === undefined ? [] : [label])].join(',');
const ramp = (max: number) => Array.from({ length: 784 }, (_, i) => (i % 2 === 0 ? max : 0));

describe('CSV', () => {
  it('rows of 784 values in 0–255 become images in [0, 1]', () => {
    const data = parseCsv(`${row(ramp(255))}\n${row(ramp(51))}\n`, 'pix.csv');
    if (data.kind !== 'images') throw new Error('expected images');
    expect(data.count).toBe(2);
    expect(data.images[0]).toBeCloseTo(1, 6);
    expect(data.images[784]).toBeCloseTo(0.2, 6);
    expect(data.images[1]).toBe(0);
    expect(data.classNames).toEqual(['all']);
  });

  it('values already in 0–1 are kept; a label after the pixels names the class; a header is skipped', () => {
    const header = Array.from({ length: 785 }, (_, i) => (i < 784 ? `p${i}` : 'label')).join(',');
    const data = parseCsv(`${header}\r\n${row(ramp(0.5), 'cat')}\r\n\r\n${row(ramp(1), 'dog')}\r\n${row(ramp(0.25), 'cat')}`, 'pix.csv');
    if (data.kind !== 'images') throw new Error('expected images');
    expect(data.count).toBe(3);
    expect(data.images[0]).toBeCloseTo(0.5, 6);
    expect(Array.from(data.labels)).toEqual([0, 1, 0]);
    expect(data.classNames).toEqual(['cat', 'dog']);
  });

  it('x,y[,label] rows become a 2-D point set', () => {
    const data = parseCsv('x,y,label\n0.5,-1,a\n2,3e1,b\n', 'pts.csv');
    expect(data.kind).toBe('points');
    if (data.kind !== 'points') return;
    expect(Array.from(data.points)).toEqual([0.5, -1, 2, 30]);
    expect(Array.from(data.labels)).toEqual([0, 1]);
    expect(data.classNames).toEqual(['a', 'b']);
    const plain = parseCsv('1,2\n3,4', 'p.csv');
    expect(plain.kind === 'points' && plain.classNames).toEqual(['all']);
  });

  it('a ragged row names its line and both counts', () => {
    const p = problemOf(() => parseCsv(`${row(ramp(1))}\n\n${row(ramp(1).slice(0, 783))}`, 'r.csv'));
    expect(p).toEqual({ file: 'r.csv', line: 3, message: expect.stringContaining('found 783 values, but line 1 has 784') });
    expect(problemOf(() => parseCsv('1,2\n3,4,a,5', 'p.csv')).line).toBe(2);
  });

  it('a non-number names its line and value', () => {
    const values = ramp(1).map(String);
    values[9] = 'oops';
    const p = problemOf(() => parseCsv(`${row(ramp(1))}\n${values.join(',')}`, 'n.csv'));
    expect(p.line).toBe(2);
    expect(p.message).toContain('value 10 ("oops") is not a number');
    expect(problemOf(() => parseCsv('1,2\n3,', 'p.csv')).message).toContain('value 2 ("") is not a number');
    expect(problemOf(() => parseCsv('1,2\nInfinity,4', 'p.csv')).message).toContain('not a number');
  });

  it('pixels outside 0–255, other row widths, and files with no rows are refused', () => {
    const values = ramp(1);
    values[3] = 300;
    expect(problemOf(() => parseCsv(row(values), 'big.csv')).message).toContain('pixel 4 is 300');
    values[3] = -1;
    expect(problemOf(() => parseCsv(row(values), 'neg.csv')).message).toContain('pixel 4 is -1');
    expect(problemOf(() => parseCsv('1,2,3,4,5', 'w.csv'))).toEqual({ file: 'w.csv', line: 1, message: expect.stringContaining('found 5 values, but each row must hold 784') });
    expect(problemOf(() => parseCsv('\n \n', 'e.csv')).message).toBe('the file has no data rows');
    expect(problemOf(() => parseCsv('x,y\n', 'h.csv')).message).toBe('the file has no data rows');
  });

  it('too many rows and too many labels are refused', () => {
    const many = Array.from({ length: UPLOAD_CAPS.maxClasses + 1 }, (_, i) => `0,0,c${i}`).join('\n');
    expect(problemOf(() => parseCsv(many, 'l.csv')).message).toContain(`more than ${UPLOAD_CAPS.maxClasses} different labels`);
    const line = row(ramp(1));
    const rows = Array.from({ length: UPLOAD_CAPS.maxImages + 1 }, () => line).join('\n');
    expect(problemOf(() => parseCsv(rows, 'big.csv'))).toEqual({ file: 'big.csv', line: UPLOAD_CAPS.maxImages + 1, message: expect.stringContaining('more than 5,000 rows') });
  });
});

const PNG_BYTES = (n: number) => new Uint8Array(n).map((_, i) => (i * 7) & 255);

/** A zip built entry by entry with fflate's streaming writer: sizes in its central directory are the real ones. */
function streamedZip(entries: { name: string; zeros: number }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    parts.push(chunk);
  });
  const block = new Uint8Array(1024 * 1024);
  for (const e of entries) {
    const file = new ZipDeflate(e.name, { level: 1 });
    zip.add(file);
    for (let left = e.zeros; left > 0; left -= block.length) file.push(block.subarray(0, Math.min(block.length, left)), left <= block.length);
  }
  zip.end();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Rewrites the uncompressed size the central directory claims for every entry (a lying zip). */
function claimSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  let patched = 0;
  for (let i = 0; i + 4 <= out.length; i++) {
    if (view.getUint32(i, true) === 0x02014b50) {
      view.setUint32(i + 24, size, true);
      patched++;
    }
  }
  expect(patched).toBeGreaterThan(0);
  return out;
}

describe('zip reading', () => {
  it('reads the images, with their folders, skipping folders, junk and other files', () => {
    const zip = zipSync({
      'set/cats/a.png': PNG_BYTES(100),
      'set/dogs/b.JPG': PNG_BYTES(50),
      'c.webp': PNG_BYTES(10),
      'notes.txt': strToU8('hello'),
      '__MACOSX/set/cats/._a.png': PNG_BYTES(5),
      'set/.DS_Store': PNG_BYTES(5),
    });
    const entries = readZip(zip, 'set.zip');
    expect(entries.map((e) => e.path).sort()).toEqual(['c.webp', 'set/cats/a.png', 'set/dogs/b.JPG']);
    expect(Array.from(entries.find((e) => e.path === 'set/cats/a.png')!.bytes)).toEqual(Array.from(PNG_BYTES(100)));
    expect(entries.map((e) => zipLabel(e.path)).sort()).toEqual(['all', 'cats', 'dogs']);
  });

  it('an empty zip, a zip of no images, a corrupt zip and a cut-short zip each say so', () => {
    expect(problemOf(() => readZip(zipSync({}), 'e.zip'))).toEqual({ file: 'e.zip', message: 'the zip is empty' });
    expect(problemOf(() => readZip(zipSync({ 'a.txt': strToU8('x') }), 't.zip')).message).toContain('no PNG, JPEG or WebP');
    expect(problemOf(() => readZip(PNG_BYTES(3000), 'junk.zip')).message).toContain('not a readable zip');
    const whole = zipSync({ 'a.png': PNG_BYTES(5000) }, { level: 0 });
    expect(problemOf(() => readZip(whole.subarray(0, 2000), 'cut.zip')).message).toContain('not a readable zip');
    // Damaged compressed data behind an intact directory.
    const damaged = zipSync({ 'a.png': new Uint8Array(20000).map((_, i) => (i * i) & 255) });
    for (let i = 60; i < 200; i++) damaged[i] ^= 0x5a;
    expect(problemOf(() => readZip(damaged, 'bad.zip')).message).toMatch(/could not be unpacked|corrupt/);
  });

  it('more entries than the cap are refused before anything is unpacked', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i <= UPLOAD_CAPS.maxFiles; i++) files[`${i}.png`] = new Uint8Array(1);
    expect(problemOf(() => readZip(zipSync(files, { level: 0 }), 'many.zip')).message).toContain('holds 5,001 entries; at most 5,000');
  });

  it('a zip bomb is refused from its central directory, without unpacking it', () => {
    // 300 MB of zeros in one entry: about 300 KB on disk.
    const bomb = streamedZip([{ name: 'bomb.png', zeros: 300 * 1024 * 1024 }]);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    // Many entries under the per-image cap that together pass the total cap.
    const wide = streamedZip(Array.from({ length: 11 }, (_, i) => ({ name: `${i}.png`, zeros: 19 * 1024 * 1024 })));
    let inflated = 0;
    const onInflate = (n: number) => (inflated += n);
    expect(problemOf(() => readZip(bomb, 'bomb.zip', { onInflate })).message).toMatch(/bomb\.png unpacks to 300 MB; one image may be at most 20 MB.*zip bomb/);
    expect(problemOf(() => readZip(wide, 'wide.zip', { onInflate })).message).toMatch(/unpack to 209 MB; at most 200 MB.*zip bomb/);
    expect(inflated).toBe(0);
  });

  it('a zip that lies about its sizes is stopped as soon as an entry passes its claim', () => {
    // The same 300 MB of zeros, its directory claiming 1,000 bytes.
    const liar = claimSize(streamedZip([{ name: 'a.png', zeros: 300 * 1024 * 1024 }]), 1000);
    let inflated = 0;
    expect(problemOf(() => readZip(liar, 'liar.zip', { onInflate: (n) => (inflated += n) })).message).toContain('a.png unpacks to more than the 1 KB its zip claims; refused as a possible zip bomb');
    expect(inflated).toBeGreaterThan(1000);
    expect(inflated).toBeLessThanOrEqual(17 * 1024 * 1024); // one 16 KB push at most, not the 300 MB
  });
});

describe('labels and the split', () => {
  it('loose files are labelled by the prefix before "_" only when every file has one', () => {
    expect(looseLabels(['cat_1.png', 'dog_2.png'])).toEqual(['cat', 'dog']);
    expect(looseLabels(['cat_1.png', 'dog.png'])).toEqual(['all', 'all']);
    expect(looseLabels(['_x.png'])).toEqual(['all']);
  });

  it('splits 80/20 with the seed: the same seed the same split, every image once', () => {
    const count = 40;
    const images = new Float32Array(count * 784);
    for (let i = 0; i < count; i++) images[i * 784] = i; // each image carries its index
    const set: CustomSet = { id: 'test', count, images, labels: Uint8Array.from({ length: count }, (_, i) => i % 2), classNames: ['a', 'b'], source: 'test' };
    const data = splitCustom(set, 42);
    expect([data.trainCount, data.testCount]).toEqual([32, 8]);
    const ids = (imgs: Float32Array, n: number) => Array.from({ length: n }, (_, r) => imgs[r * 784]);
    const all = [...ids(data.trainImages, 32), ...ids(data.testImages, 8)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(Array.from(data.testLabels)).toEqual(ids(data.testImages, 8).map((i) => i % 2));
    expect(ids(splitCustom(set, 42).testImages, 8)).toEqual(ids(data.testImages, 8));
    expect(ids(splitCustom(set, 7).testImages, 8)).not.toEqual(ids(data.testImages, 8));
    expect(summaryText(set)).toBe('40 images in 2 classes: 32 train, 8 test');
    const id = customSetId(set);
    expect(customSetId({ ...set, images: images.slice() })).toBe(id);
    const changed = images.slice();
    changed[5] = 0.5;
    expect(customSetId({ ...set, images: changed })).not.toBe(id);
    expect(customSetId({ ...set, classNames: ['a', 'c'] })).not.toBe(id);
    expect(summaryText({ count: 11, classNames: ['all'] })).toBe('11 images in 1 class: 9 train, 2 test');
  });
});
