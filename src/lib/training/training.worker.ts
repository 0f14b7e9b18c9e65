/// <reference lib="webworker" />
import type { FromWorker, ToWorker } from './protocol';
import { TrainingSession } from './session';
import { initBackend, webglCanvas } from './backend';
import { chooseFastestBackend } from './auto-backend';
import { loadTrainingData } from './data-loader';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** Yields to the worker's event loop without setTimeout's 4 ms clamp, so messages get through. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** The session's hook for a lost WebGL context; one listener per canvas, calling whoever trains on it now. */
let onContextLost: (() => void) | null = null;
const watchedCanvases = new WeakSet<object>();

function watchBackend(backend: string, lost: () => void): void {
  onContextLost = backend === 'webgl' ? lost : null;
  const canvas = backend === 'webgl' ? webglCanvas() : null;
  if (!canvas || watchedCanvases.has(canvas)) return;
  watchedCanvases.add(canvas);
  canvas.addEventListener('webglcontextlost', (event) => {
    event.preventDefault();
    const lostNow = onContextLost;
    onContextLost = null;
    lostNow?.();
  });
}

const session = new TrainingSession({
  send: (message: FromWorker, transfer?: Transferable[]) => scope.postMessage(message, transfer ?? []),
  loadData: loadTrainingData,
  startBackend: (choice, data, settings) => (choice === 'auto' ? chooseFastestBackend(data, settings) : initBackend(choice)),
  fallbackBackend: async () => (await initBackend('wasm')).backend,
  watchBackend,
  nextTask,
});

// The session queues every message and handles them in order (see protocol.ts).
scope.onmessage = (event: MessageEvent<ToWorker>) => session.receive(event.data);
