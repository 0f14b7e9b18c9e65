/** Small promise wrappers over IndexedDB, shared by the stores that keep runs in the browser. */

export function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('storage request failed'));
  });
}

/** Settles when the transaction commits (or fails: an abort undoes all of it). */
export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('the change was aborted', 'AbortError'));
    tx.onerror = () => reject(tx.error ?? new Error('the change failed'));
  });
}

/**
 * Opens database `name`, creating the object stores (keyed by `id`) it lacks.
 * Throws when the browser offers no usable IndexedDB (missing, blocked, private mode).
 */
export async function openDatabase(name: string, version: number, stores: readonly string[], factory: IDBFactory | undefined = globalThis.indexedDB): Promise<IDBDatabase> {
  if (!factory) throw new DOMException('IndexedDB is not available', 'NotSupportedError');
  const request = factory.open(name, version);
  request.onupgradeneeded = () => {
    const db = request.result;
    for (const store of stores) if (!db.objectStoreNames.contains(store)) db.createObjectStore(store, { keyPath: 'id' });
  };
  const db = await requestResult(request);
  // Another tab of a newer version may need the database: let it.
  db.onversionchange = () => db.close();
  return db;
}
