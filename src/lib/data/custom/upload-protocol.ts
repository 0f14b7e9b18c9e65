import type { UploadResult, UploadStage } from './read-upload';

/** Page → upload worker: the files to read. One request per worker; cancelling ends the worker. */
export interface UploadRequest {
  files: File[];
  invert: boolean;
}

/** Upload worker → page: progress, then exactly one `done`. */
export type UploadReply = { type: 'progress'; stage: UploadStage; done: number; total: number } | { type: 'done'; result: UploadResult };
