/// <reference lib="webworker" />
import { RunStore, storageFailure, type SavedRun } from './run-store';

/**
 * Writes saved runs to IndexedDB off the page's thread. A put serializes the
 * weights and optimizer state (megabytes) synchronously; on the page that was
 * a 40–250 ms task every few seconds while training.
 */

/** `spare`: runs never deleted to make room (this page's, open pages', the one offered for resuming). */
export type WriteRequest = { id: number; record: SavedRun; spare: string[] };
export type WriteReply = { id: number; error: { name: string; message: string } | null };

let store: Promise<RunStore> | null = null;

/** One write; when the storage is full, older runs of closed pages go and it is tried once more. */
async function write(record: SavedRun, spare: ReadonlySet<string>): Promise<void> {
  store ??= RunStore.open();
  const runs = await store;
  try {
    await runs.put(record);
  } catch (error) {
    if (storageFailure(error) !== 'full') throw error;
    await runs.prune(0, spare);
    await runs.put(record);
  }
}

self.onmessage = async ({ data }: MessageEvent<WriteRequest>) => {
  let error: WriteReply['error'] = null;
  try {
    await write(data.record, new Set(data.spare));
  } catch (caught) {
    error = caught instanceof Error || caught instanceof DOMException ? { name: caught.name, message: caught.message } : { name: 'Error', message: String(caught) };
    // A store that failed to open is opened again for the next write.
    if (storageFailure(caught) === 'unavailable') store = null;
  }
  self.postMessage({ id: data.id, error } satisfies WriteReply);
};
