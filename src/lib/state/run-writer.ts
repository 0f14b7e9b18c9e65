import type { SavedRun } from './run-store';
import type { WriteReply, WriteRequest } from './run-store.worker';
import RunStoreWorker from './run-store.worker.ts?worker';

/**
 * Puts saved runs into IndexedDB from a worker. The record's arrays are
 * transferred, not copied, so the page spends next to nothing on a save; the
 * record is unusable afterwards. A full storage is handled in the worker
 * (older runs go, then one more try), since the arrays are gone from here.
 */
export class RunWriter {
  #worker: Worker | null = null;
  #next = 0;
  readonly #pending = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();

  /** Writes `record` (its arrays move to the worker); `spare`: runs never deleted to make room. */
  put(record: SavedRun, spare: ReadonlySet<string>): Promise<void> {
    const worker = this.#start();
    const id = ++this.#next;
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, record, spare: [...spare] } satisfies WriteRequest, arrayBuffersOf(record));
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new RunStoreWorker();
    worker.onmessage = ({ data }: MessageEvent<WriteReply>) => {
      const pending = this.#pending.get(data.id);
      this.#pending.delete(data.id);
      if (!pending) return;
      // Same name as the browser's own error, so a full disk is told apart from an unavailable store.
      if (data.error) pending.reject(new DOMException(data.error.message, data.error.name));
      else pending.resolve();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#failAll(new DOMException(`the storage worker failed: ${event.message || 'unknown error'}`, 'UnknownError'));
      worker.terminate();
      this.#worker = null;
    };
    this.#worker = worker;
    return worker;
  }

  #failAll(error: unknown): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  dispose(): void {
    this.#failAll(new DOMException('the page stopped saving', 'AbortError'));
    this.#worker?.terminate();
    this.#worker = null;
  }
}

/** Every distinct buffer behind the record's typed arrays: the weights, optimizer slots and history columns. */
function arrayBuffersOf(record: SavedRun): ArrayBuffer[] {
  const { layers, optimizer } = record.checkpoint;
  const { step, recon, kl, beta, total } = record.history;
  const arrays: ArrayBufferView[] = [...layers.flatMap((l) => [l.weights, l.bias]), ...(optimizer?.slots ?? []), step, recon, kl, beta, total];
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  return [...buffers];
}
