/** Reading a selection of files into one set: all or nothing, every problem naming its file. */
import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { readUpload, type DecodeImage, type InputFile } from '../../src/lib/data/custom/read-upload';
import { UPLOAD_CAPS } from '../../src/lib/data/custom/caps';

/** A stand-in image format: byte 0 is the ink value of a 4×4 square drawn on a black 8×8 picture; 0xff means corrupt. */
const decode: DecodeImage = async (bytes) => {
  if (bytes[0] === 0xff) throw new Error('corrupt');
  const rgba = new Uint8ClampedArray(8 * 8 * 4);
  for (let i = 0; i < 64; i++) {
    const on = i % 8 >= 2 && i % 8 < 6 && Math.floor(i / 8) >= 2 && Math.floor(i / 8) < 6;
    rgba.set([on ? bytes[0] : 0, on ? bytes[0] : 0, on ? bytes[0] : 0, 255], 4 * i);
  }
  return { rgba, width: 8, height: 8 };
};

const file = (name: string, bytes: Uint8Array | string, size?: number): InputFile => {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return { name, size: size ?? data.length, bytes: async () => data };
};
const images = (n: number, name = (i: number) => `img${i}.png`) => Array.from({ length: n }, (_, i) => file(name(i), new Uint8Array([200])));

describe('readUpload', () => {
  it('loose images: labelled by their prefix, converted MNIST-style', async () => {
    const result = await readUpload(images(12, (i) => `${i % 3 === 0 ? 'cat' : 'dog'}_${i}.png`), false, decode);
    if (result.kind !== 'set') throw new Error(JSON.stringify(result));
    expect(result.set.count).toBe(12);
    expect(result.set.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(result.set.labels.slice(0, 4))).toEqual([0, 1, 1, 0]);
    expect(result.set.images[14 * 28 + 14]).toBeCloseTo(200 / 255, 5); // the square, scaled up, fills the centre
  });

  it('a zip and loose images together; folders in the zip are labels', async () => {
    const zip = zipSync(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`${i < 3 ? 'a' : 'b'}/${i}.png`, new Uint8Array([255 - 1])])));
    const result = await readUpload([file('set.zip', zip), ...images(4)], false, decode);
    if (result.kind !== 'set') throw new Error(JSON.stringify(result));
    expect(result.set.classNames).toEqual(['a', 'b', 'all']);
    expect(result.set.count).toBe(10);
  });

  it('one corrupt or blank image refuses the whole set, naming each file', async () => {
    const files = [...images(11), file('broken.png', new Uint8Array([0xff])), file('blank.png', new Uint8Array([0]))];
    expect(await readUpload(files, false, decode)).toEqual({
      kind: 'failed',
      problems: [
        { file: 'broken.png', message: expect.stringContaining('could not be read as an image') },
        { file: 'blank.png', message: expect.stringContaining('blank') },
      ],
    });
    const zipped = zipSync({ 'x/bad.png': new Uint8Array([0xff]) });
    const result = await readUpload([file('z.zip', zipped), ...images(10)], false, decode);
    expect(result.kind === 'failed' && result.problems[0].file).toBe('z.zip/x/bad.png');
  });

  it('states the caps: too few images, too many files, too many bytes, unknown types, a CSV with others', async () => {
    const first = async (files: InputFile[]) => {
      const r = await readUpload(files, false, decode);
      return r.kind === 'failed' ? r.problems[0] : null;
    };
    expect(await first(images(9))).toEqual({ file: expect.any(String), message: 'holds 9 images; a set needs at least 10, so that a fifth can be kept for testing' });
    expect((await first(images(UPLOAD_CAPS.maxFiles + 1)))?.message).toContain('at most 5,000 are read at once');
    expect((await first([file('huge.png', new Uint8Array([1]), 51 * 1024 * 1024)]))?.message).toBe('the files come to 51 MB; at most 50 MB are read at once');
    expect(await first([file('notes.txt', 'hi'), ...images(10)])).toEqual({ file: 'notes.txt', message: 'is not a PNG, JPEG, WebP, zip or CSV file' });
    expect((await first([file('a.csv', '1,2'), ...images(10)]))?.message).toContain('a CSV file is read on its own');
    expect((await first([file('empty.zip', zipSync({}))]))).toEqual({ file: 'empty.zip', message: 'the zip is empty' });
  });

  it('lists at most 20 problems and counts the rest', async () => {
    const result = await readUpload(Array.from({ length: 25 }, (_, i) => file(`${i}.png`, new Uint8Array([0xff]))), false, decode);
    if (result.kind !== 'failed') throw new Error('expected a failure');
    expect(result.problems).toHaveLength(21);
    expect(result.problems[20].message).toBe('and 5 more problems');
  });

  it('a CSV: images with their split checks, or points (see custom-points.test.ts); a ragged one names its line', async () => {
    const pixelRow = Array.from({ length: 784 }, () => 0.5).join(',');
    const csv = await readUpload([file('pix.csv', Array.from({ length: 10 }, () => pixelRow).join('\n'))], false, decode);
    expect(csv.kind === 'set' && csv.set.count).toBe(10);
    const ragged = await readUpload([file('r.csv', '0,1\n2,3,4,5')], false, decode);
    expect(ragged).toEqual({ kind: 'failed', problems: [{ file: 'r.csv', line: 2, message: expect.stringContaining('found 4 values, but line 1 has 2') }] });
  });
});
