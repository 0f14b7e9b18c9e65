import type { UploadProgress, UploadResult } from './read-upload';
import type { UploadReply } from './upload-protocol';
import UploadWorker from './upload.worker.ts?worker';

/** A read under way in its own worker; `cancel` ends it (the promise then resolves as cancelled). */
export interface UploadJob {
  result: Promise<UploadResult | { kind: 'cancelled' }>;
  cancel(): void;
}

/** Reads the files in a worker of their own, so big sets never block the page. */
export function readFilesInWorker(files: File[], invert: boolean, progress: UploadProgress): UploadJob {
  const worker = new UploadWorker({ name: 'vae-upload' });
  let finish: (value: UploadResult | { kind: 'cancelled' }) => void = () => {};
  const result = new Promise<UploadResult | { kind: 'cancelled' }>((resolve) => (finish = resolve));
  const end = (value: UploadResult | { kind: 'cancelled' }) => {
    worker.terminate();
    finish(value);
  };
  worker.onmessage = (event: MessageEvent<UploadReply>) => {
    const reply = event.data;
    if (reply.type === 'progress') progress(reply.stage, reply.done, reply.total);
    else end(reply.result);
  };
  worker.onerror = (event) => end({ kind: 'failed', problems: [{ file: 'Your selection', message: `the reader stopped unexpectedly (${event.message || 'unknown error'})` }] });
  worker.postMessage({ files, invert });
  return { result, cancel: () => end({ kind: 'cancelled' }) };
}
