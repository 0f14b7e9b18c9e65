/// <reference lib="webworker" />
import { readUpload, type Rgba } from './read-upload';
import type { UploadRequest, UploadReply } from './upload-protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** Pictures larger than this on a side are scaled down first: the 20×20 box needs no more. */
const MAX_SIDE = 512;

/** Decodes with the browser's own image decoders (PNG, JPEG, WebP), off the page's thread. */
async function decode(bytes: Uint8Array, name: string): Promise<Rgba> {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const ctx = new OffscreenCanvas(width, height).getContext('2d');
    if (!ctx) throw new Error(`no 2-D canvas to decode ${name}`);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    return { rgba: ctx.getImageData(0, 0, width, height).data, width, height };
  } finally {
    bitmap.close();
  }
}

scope.onmessage = async (event: MessageEvent<UploadRequest>) => {
  const { files, invert } = event.data;
  const post = (reply: UploadReply, transfer: Transferable[] = []) => scope.postMessage(reply, transfer);
  try {
    const inputs = files.map((f) => ({ name: f.name, size: f.size, bytes: async () => new Uint8Array(await f.arrayBuffer()) }));
    const result = await readUpload(inputs, invert, decode, (stage, done, total) => post({ type: 'progress', stage, done, total }));
    const transfer = result.kind === 'set' ? [result.set.images.buffer] : [];
    post({ type: 'done', result }, transfer);
  } catch (error) {
    post({ type: 'done', result: { kind: 'failed', problems: [{ file: 'Your selection', message: `could not be read (${error instanceof Error ? error.message : String(error)})` }] } });
  }
};
