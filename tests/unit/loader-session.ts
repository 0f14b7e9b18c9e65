import { TrainingSession } from '../../src/lib/training/session';
import { loadTrainingData } from '../../src/lib/training/data-loader';
import type { FromWorker } from '../../src/lib/training/protocol';

/** A session on the cpu backend with the app's real data loader; `sent` collects what it posts. */
export function loaderSession(): { session: TrainingSession; sent: FromWorker[] } {
  const sent: FromWorker[] = [];
  const session = new TrainingSession({
    send: (message) => void sent.push(message),
    loadData: (name, url, progress, seed) => loadTrainingData(name, url, progress, seed),
    startBackend: async () => ({ backend: 'cpu', notes: [] }),
    fallbackBackend: async () => 'cpu',
    watchBackend: () => {},
    nextTask: () => new Promise((resolve) => setImmediate(resolve)),
  });
  return { session, sent };
}
