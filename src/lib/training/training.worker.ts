/// <reference lib="webworker" />
import type { FromWorker, ToWorker } from './protocol';
import { TrainingSession } from './session';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new TrainingSession((message: FromWorker, transfer?: Transferable[]) => scope.postMessage(message, transfer ?? []));

// Messages are handled in order: an init must finish before a play that follows it.
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  const run = () =>
    session.handle(message).catch((error: unknown) => {
      scope.postMessage({ type: 'error', generation: -1, message: error instanceof Error ? error.message : String(error) } satisfies FromWorker);
    });
  // play/step start a long loop: don't block pause/live behind it.
  if (message.type === 'pause' || message.type === 'live') void run();
  else queue = queue.then(run);
};
