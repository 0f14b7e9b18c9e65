import { isUploadData } from '../data/custom/custom-set';
import { isPointSet } from '../data/points2d';
import { mnistFromPacked, pointSet, syntheticShapes, type TrainingData } from './dataset';

export type DownloadProgress = (loaded: number, total: number) => void;

/** Fetches the packed digits, reporting progress as bytes arrive. */
export async function download(url: string, progress: DownloadProgress): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load the digits (${url}: HTTP ${response.status})`);
  const total = Number(response.headers.get('content-length')) || 0;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.length;
    progress(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const p of parts) {
    bytes.set(p, offset);
    offset += p.length;
  }
  return bytes;
}

/**
 * The named data set: MNIST from the packed file at `dataUrl`, or one generated here (shapes; 2-D points
 * from `seed`, the run's seed). Uploaded data (`custom`, `custom-points`) comes in its own message.
 */
export async function loadTrainingData(name: string, dataUrl: string, progress: DownloadProgress, seed: number): Promise<TrainingData> {
  if (isUploadData(name)) throw new Error(`your own ${name === 'custom' ? 'images are' : 'points are'} not loaded in this tab: add them under “Your data”, or choose another dataset`);
  if (isPointSet(name)) return pointSet(name, seed);
  return name === 'shapes' ? syntheticShapes() : mnistFromPacked(await download(dataUrl, progress));
}
