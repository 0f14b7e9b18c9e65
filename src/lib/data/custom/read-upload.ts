import { PIXELS } from '../pack';
import { POINT_FEATURES } from '../points2d';
import { UPLOAD_CAPS, megabytes } from './caps';
import { convertRgba } from './convert';
import { customSetId, rowsWord, type CustomSet } from './custom-set';
import { parseCsv } from './csv';
import { isImageName, LabelTable, looseLabels, zipLabel } from './labels';
import { pointsSet } from './points';
import { UploadError, type UploadProblem } from './problem';
import { readZip } from './zip';

/** A picked or dropped file, as the reader needs it (a File in the browser, a stub in tests). */
export interface InputFile {
  name: string;
  size: number;
  bytes(): Promise<Uint8Array>;
}

/** A decoded picture. */
export interface Rgba {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Decodes image bytes; throws when they are not a readable image. */
export type DecodeImage = (bytes: Uint8Array, name: string) => Promise<Rgba>;

export type UploadStage = 'reading' | 'unzipping' | 'converting';
export type UploadProgress = (stage: UploadStage, done: number, total: number) => void;

export type UploadResult =
  | { kind: 'set'; set: CustomSet }
  | { kind: 'failed'; problems: UploadProblem[] };

/** Problems listed at most; the rest are counted. */
export const MAX_PROBLEMS = 20;
const SELECTION = 'Your selection';

const isZip = (name: string) => name.toLowerCase().endsWith('.zip');
const isCsv = (name: string) => name.toLowerCase().endsWith('.csv');

interface Pending {
  file: string;
  label: string;
  bytes: Uint8Array;
}

function failed(problems: UploadProblem[]): UploadResult {
  if (problems.length <= MAX_PROBLEMS) return { kind: 'failed', problems };
  const rest = problems.length - MAX_PROBLEMS;
  return { kind: 'failed', problems: [...problems.slice(0, MAX_PROBLEMS), { file: SELECTION, message: `and ${rest} more ${rest === 1 ? 'problem' : 'problems'}` }] };
}

/**
 * Reads a selection of files into a set of MNIST-style images (or a CSV's
 * 2-D points, standardised: see points.ts). Everything is checked before anything is returned: any problem
 * means no set at all, and every problem names its file (and line).
 */
export async function readUpload(files: readonly InputFile[], invert: boolean, decode: DecodeImage, progress: UploadProgress = () => {}): Promise<UploadResult> {
  const refuse = (message: string): UploadResult => ({ kind: 'failed', problems: [{ file: SELECTION, message }] });
  if (files.length === 0) return refuse('no files were chosen');
  if (files.length > UPLOAD_CAPS.maxFiles) return refuse(`${files.length.toLocaleString('en')} files were chosen; at most ${UPLOAD_CAPS.maxFiles.toLocaleString('en')} are read at once`);
  const bytes = files.reduce((n, f) => n + f.size, 0);
  if (bytes > UPLOAD_CAPS.maxInputBytes) return refuse(`the files come to ${megabytes(bytes)}; at most ${megabytes(UPLOAD_CAPS.maxInputBytes)} are read at once`);
  const unknown = files.filter((f) => !isZip(f.name) && !isCsv(f.name) && !isImageName(f.name));
  if (unknown.length > 0) return failed(unknown.map((f) => ({ file: f.name, message: 'is not a PNG, JPEG, WebP, zip or CSV file' })));

  try {
    const csvs = files.filter((f) => isCsv(f.name));
    if (csvs.length > 0) {
      if (files.length > 1) return refuse('a CSV file is read on its own: choose just the one CSV, or images and zips without it');
      return await fromCsv(csvs[0]);
    }
    const pending: Pending[] = [];
    const loose = files.filter((f) => !isZip(f.name));
    const looseNames = looseLabels(loose.map((f) => f.name));
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      progress('reading', i, files.length);
      const data = await f.bytes();
      if (isZip(f.name)) {
        for (const entry of readZip(data, f.name, { onProgress: (done, total) => progress('unzipping', done, total) })) {
          pending.push({ file: `${f.name}/${entry.path}`, label: zipLabel(entry.path), bytes: entry.bytes });
        }
      } else {
        pending.push({ file: f.name, label: looseNames[loose.indexOf(f)], bytes: data });
      }
      if (pending.length > UPLOAD_CAPS.maxImages) return refuse(`more than ${UPLOAD_CAPS.maxImages.toLocaleString('en')} images; at most that many make one set`);
    }
    return await convertAll(pending, invert, decode, progress, files.map((f) => f.name).join(', '));
  } catch (error) {
    if (error instanceof UploadError) return failed([error.problem]);
    throw error;
  }
}

async function fromCsv(file: InputFile): Promise<UploadResult> {
  const text = new TextDecoder().decode(await file.bytes());
  const data = parseCsv(text, file.name);
  if (data.kind === 'images') return checkedSet({ count: data.count, images: data.images, labels: data.labels, classNames: data.classNames, source: file.name });
  const count = data.points.length / POINT_FEATURES;
  return tooFew(file.name, count, rowsWord({ features: POINT_FEATURES }, count)) ?? { kind: 'set', set: pointsSet(data, file.name) };
}

/** A set too small to split 80/20 into something to train on and something to test on. */
function tooFew(file: string, count: number, rows: string): UploadResult | null {
  if (count >= UPLOAD_CAPS.minImages) return null;
  return { kind: 'failed', problems: [{ file, message: `holds ${count} ${rows}; a set needs at least ${UPLOAD_CAPS.minImages}, so that a fifth can be kept for testing` }] };
}

function checkedSet(content: Omit<CustomSet, 'id'>): UploadResult {
  return tooFew(content.source, content.count, rowsWord(content, content.count)) ?? { kind: 'set', set: { ...content, id: customSetId(content) } };
}

async function convertAll(pending: Pending[], invert: boolean, decode: DecodeImage, progress: UploadProgress, source: string): Promise<UploadResult> {
  const problems: UploadProblem[] = [];
  const images = new Float32Array(pending.length * PIXELS);
  const labels = new Uint8Array(pending.length);
  const table = new LabelTable();
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i];
    progress('converting', i, pending.length);
    const label = table.add(p.label);
    if (label === null) return { kind: 'failed', problems: [{ file: p.file, message: `is in a class beyond the first ${UPLOAD_CAPS.maxClasses}; a set may have at most ${UPLOAD_CAPS.maxClasses} classes` }] };
    labels[i] = label;
    let picture: Rgba;
    try {
      picture = await decode(p.bytes, p.file);
    } catch {
      problems.push({ file: p.file, message: 'could not be read as an image (it may be corrupt, or not the type its name says)' });
      continue;
    }
    const converted = convertRgba(picture.rgba, picture.width, picture.height, invert);
    if (converted.ok) images.set(converted.pixels, i * PIXELS);
    else problems.push({ file: p.file, message: converted.message });
  }
  progress('converting', pending.length, pending.length);
  if (problems.length > 0) return failed(problems);
  return checkedSet({ count: pending.length, images, labels, classNames: table.names, source });
}
