import { PIXELS } from '../pack';
import { UPLOAD_CAPS } from './caps';
import { LabelTable, UNLABELLED } from './labels';
import { UploadError } from './problem';

/** Rows of 784 pixel values (0–1 or 0–255), an optional label last. */
export interface CsvImages {
  kind: 'images';
  count: number;
  /** count × 784 values in [0, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  classNames: string[];
}

/** Rows of x,y with an optional label: a 2-D point set. */
export interface CsvPoints {
  kind: 'points';
  /** n × 2 coordinates, as written (double precision: standardising comes later). */
  points: Float64Array;
  labels: Uint8Array;
  classNames: string[];
}

export type CsvData = CsvImages | CsvPoints;

const SHAPES = 'each row must hold 784 pixel values (optionally a label after them) or x,y (optionally a label)';

function isNumber(field: string): boolean {
  return field.trim() !== '' && Number.isFinite(Number(field));
}

/**
 * Parses a CSV of images or 2-D points; the first row decides which. A first
 * row with no numbers in it is a header and skipped. Throws UploadError naming
 * the file and line of the first problem.
 */
export function parseCsv(text: string, file: string): CsvData {
  const lines = text.split(/\r?\n/);
  const fail = (line: number | undefined, message: string): never => {
    throw new UploadError({ file, line, message });
  };
  let width = -1;
  let kind: 'images' | 'points' = 'images';
  let hasLabel = false;
  let firstLine = 0;
  let seenLine = false;
  const values: number[] = [];
  const labelNames: string[] = [];
  let rows = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const lineNo = i + 1;
    const fields = raw.split(',').map((f) => f.trim());
    if (width < 0) {
      const header = !seenLine && fields.every((f) => !isNumber(f));
      seenLine = true;
      if (header) continue;
      width = fields.length;
      firstLine = lineNo;
      if (width === PIXELS || width === PIXELS + 1) kind = 'images';
      else if (width === 2 || width === 3) kind = 'points';
      else fail(lineNo, `found ${width} values, but ${SHAPES}`);
      hasLabel = width === PIXELS + 1 || width === 3;
    }
    if (fields.length !== width) fail(lineNo, `found ${fields.length} values, but line ${firstLine} has ${width}; every row needs the same number`);
    const numeric = hasLabel ? width - 1 : width;
    for (let c = 0; c < numeric; c++) {
      const v = Number(fields[c]);
      if (!isNumber(fields[c])) fail(lineNo, `value ${c + 1} ("${fields[c].slice(0, 20)}") is not a number`);
      if (kind === 'images' && (v < 0 || v > 255)) fail(lineNo, `pixel ${c + 1} is ${v}; pixels must be 0–1 or 0–255`);
      values.push(v);
    }
    labelNames.push(hasLabel ? fields[width - 1] || UNLABELLED : UNLABELLED);
    rows++;
    const cap = kind === 'images' ? UPLOAD_CAPS.maxImages : UPLOAD_CAPS.maxPoints;
    if (rows > cap) fail(lineNo, `more than ${cap.toLocaleString('en')} rows (the most one set may hold)`);
  }
  if (rows === 0) fail(undefined, 'the file has no data rows');

  const table = new LabelTable();
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const index = table.add(labelNames[r]);
    if (index === null) fail(undefined, `more than ${UPLOAD_CAPS.maxClasses} different labels`);
    labels[r] = index as number;
  }
  if (kind === 'points') return { kind, points: Float64Array.from(values), labels, classNames: table.names };

  // 0–255 when any value is above 1, else 0–1 already.
  const scale = values.some((v) => v > 1) ? 1 / 255 : 1;
  const images = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) images[i] = values[i] * scale;
  return { kind, count: rows, images, labels, classNames: table.names };
}
