/**
 * The packed MNIST asset: a small header, one label byte per image, then the
 * pixels as uint8 (0–255). Images keep the order of the `mnist` package's
 * per-digit files (all 0s, then all 1s, …), which is what the fixed split needs.
 *
 * Layout (little-endian):
 *   0  magic "VAEDIGIT" (8 bytes)
 *   8  u32 format version (1)
 *  12  u32 image count N
 *  16  u32 pixels per image (784)
 *  20  u32 FNV-1a checksum of everything after the header
 *  24  labels: N bytes
 *  24+N pixels: N × 784 bytes
 */

export const MAGIC = 'VAEDIGIT';
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 24;
export const IMAGE_SIDE = 28;
export const PIXELS = IMAGE_SIDE * IMAGE_SIDE;

export interface DigitSet {
  count: number;
  /** Digit class per image, 0–9. */
  labels: Uint8Array;
  /** count × 784 bytes, row-major, 0 = background. */
  pixels: Uint8Array;
}

export class PackFormatError extends Error {
  override name = 'PackFormatError';
}

export function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function packDigits(set: DigitSet): Uint8Array {
  const { count, labels, pixels } = set;
  if (labels.length !== count || pixels.length !== count * PIXELS) {
    throw new PackFormatError(`expected ${count} labels and ${count * PIXELS} pixels`);
  }
  const out = new Uint8Array(HEADER_BYTES + count + count * PIXELS);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  out.set(labels, HEADER_BYTES);
  out.set(pixels, HEADER_BYTES + count);
  const view = new DataView(out.buffer);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, count, true);
  view.setUint32(16, PIXELS, true);
  view.setUint32(20, fnv1a(out.subarray(HEADER_BYTES)), true);
  return out;
}

/** Parses and verifies a packed asset; throws PackFormatError saying what is wrong. */
export function unpackDigits(buffer: ArrayBuffer | Uint8Array): DigitSet {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.length < HEADER_BYTES) {
    throw new PackFormatError(`file is ${bytes.length} bytes, too short for the header`);
  }
  const magic = String.fromCharCode(...bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) throw new PackFormatError('not a packed digit file (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) throw new PackFormatError(`unsupported format version ${version}`);
  const count = view.getUint32(12, true);
  const perImage = view.getUint32(16, true);
  if (perImage !== PIXELS) throw new PackFormatError(`expected ${PIXELS} pixels per image, found ${perImage}`);
  const expected = HEADER_BYTES + count + count * PIXELS;
  if (bytes.length !== expected) {
    throw new PackFormatError(`file is ${bytes.length} bytes but its header promises ${expected} (truncated or corrupt)`);
  }
  const body = bytes.subarray(HEADER_BYTES);
  if (fnv1a(body) !== view.getUint32(20, true)) throw new PackFormatError('checksum mismatch (corrupt file)');
  const labels = bytes.slice(HEADER_BYTES, HEADER_BYTES + count);
  for (let i = 0; i < count; i++) {
    if (labels[i] > 9) throw new PackFormatError(`label ${labels[i]} at image ${i} is not a digit`);
  }
  return { count, labels, pixels: bytes.slice(HEADER_BYTES + count) };
}

/** Pixel value in [0, 1] → byte; the package's values are k/255 rounded to 3 d.p. */
export function toByte(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value * 255)));
}
