import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import { UPLOAD_CAPS, megabytes } from './caps';
import { isImageName, isJunkPath } from './labels';
import { UploadError } from './problem';

/** One image file found inside a zip, unpacked. */
export interface ZipEntry {
  path: string;
  bytes: Uint8Array;
}

interface Declared {
  name: string;
  size: number;
  originalSize: number;
}

/** Compressed bytes fed to the inflater at a time: one push can unpack at most ~1,000× this (16 MB). */
const CHUNK = 16 * 1024;

export interface ZipHooks {
  /** Images unpacked of all. */
  onProgress?: (done: number, total: number) => void;
  /** Bytes just unpacked (tests check a bomb is stopped early with it). */
  onInflate?: (bytes: number) => void;
}

/**
 * Lists a zip's entries from its central directory, without unpacking
 * anything. A zip's sizes are only claims, so readZip also counts what it
 * really unpacks.
 */
function centralDirectory(bytes: Uint8Array, file: string): Declared[] {
  const entries: Declared[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        entries.push({ name: f.name, size: f.size, originalSize: f.originalSize });
        return false; // nothing is unpacked in this pass
      },
    });
  } catch {
    throw new UploadError({ file, message: 'not a readable zip file (it may be corrupt or cut short)' });
  }
  return entries;
}

/**
 * The images in a zip (PNG, JPEG, WebP by name), skipping folders and the
 * hidden files zip tools add. Refuses, before unpacking anything, a zip with
 * too many entries or whose entries claim more than the caps; while
 * unpacking, stops at once when an entry turns out larger than it claimed
 * (a zip bomb) or the total passes the cap.
 */
export function readZip(bytes: Uint8Array, file: string, { onProgress, onInflate }: ZipHooks = {}): ZipEntry[] {
  const fail = (message: string): never => {
    throw new UploadError({ file, message });
  };
  const declared = centralDirectory(bytes, file);
  const wanted = new Map<string, Declared>();
  for (const d of declared) if (!d.name.endsWith('/') && !isJunkPath(d.name) && isImageName(d.name)) wanted.set(d.name, d);
  if (declared.length > UPLOAD_CAPS.maxFiles) fail(`holds ${declared.length.toLocaleString('en')} entries; at most ${UPLOAD_CAPS.maxFiles.toLocaleString('en')} are read`);
  if (wanted.size === 0) fail(declared.length === 0 ? 'the zip is empty' : 'the zip holds no PNG, JPEG or WebP images');
  let claimed = 0;
  for (const d of wanted.values()) {
    if (d.originalSize > UPLOAD_CAPS.maxImageBytes) fail(`${d.name} unpacks to ${megabytes(d.originalSize)}; one image may be at most ${megabytes(UPLOAD_CAPS.maxImageBytes)} (refused without unpacking: it may be a zip bomb)`);
    claimed += d.originalSize;
  }
  if (claimed > UPLOAD_CAPS.maxInflatedBytes) fail(`its images unpack to ${megabytes(claimed)}; at most ${megabytes(UPLOAD_CAPS.maxInflatedBytes)} are read (refused without unpacking: it may be a zip bomb)`);

  const out: ZipEntry[] = [];
  let problem: string | null = null;
  let total = 0;
  const unzip = new Unzip((entry) => {
    const d = wanted.get(entry.name);
    if (!d || problem) return; // not an image we want: never started, never unpacked
    const parts: Uint8Array[] = [];
    let size = 0;
    entry.ondata = (error, chunk, final) => {
      if (problem) return;
      if (error) {
        problem = `${entry.name} could not be unpacked (${error.message})`;
        return;
      }
      onInflate?.(chunk.length);
      size += chunk.length;
      total += chunk.length;
      if (size > d.originalSize || total > UPLOAD_CAPS.maxInflatedBytes) {
        problem = `${entry.name} unpacks to more than the ${megabytes(d.originalSize)} its zip claims; refused as a possible zip bomb`;
        entry.terminate();
        return;
      }
      parts.push(chunk);
      if (final) {
        if (size !== d.originalSize) {
          problem = `${entry.name} unpacked to ${size} bytes, not the ${d.originalSize} its zip claims (the zip is corrupt)`;
          return;
        }
        const joined = new Uint8Array(size);
        let at = 0;
        for (const p of parts) {
          joined.set(p, at);
          at += p.length;
        }
        out.push({ path: entry.name, bytes: joined });
        onProgress?.(out.length, wanted.size);
      }
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length && !problem; at += CHUNK) unzip.push(bytes.subarray(at, at + CHUNK), at + CHUNK >= bytes.length);
  } catch (error) {
    problem ??= `could not be unpacked (${error instanceof Error ? error.message : String(error)}); it may be corrupt`;
  }
  if (problem) fail(problem);
  if (out.length !== wanted.size) fail(`only ${out.length} of its ${wanted.size} images could be unpacked (the zip is corrupt or cut short)`);
  return out;
}
