/// <reference lib="webworker" />
import type { FromWorker, ToWorker } from './protocol';
import { TrainingSession } from './session';
import { initBackend, webglCanvas } from './backend';
import { BROWSER_PROBE, chooseFastestBackend } from './auto-backend';
import type { BackendChoice } from '../config/types';
import type { TrainingData } from './dataset';
import type { TrainerSettings } from './trainer';
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
/**
 * tfjs keeps its webgl backend registered after the context is gone, and
 * switching back to it would hang on the first read: once lost, webgl is not
 * used again in this tab.
 */
const WEBGL_LOST = 'webgl skipped: its GPU context was lost earlier in this tab';
let webglLost = false;

async function startBackend(choice: BackendChoice, data: TrainingData, settings: TrainerSettings): Promise<{ backend: string; notes: string[] }> {
  if (choice === 'auto') {
    const probe = webglLost ? { ...BROWSER_PROBE, missingSupport: (b: 'webgl' | 'wasm' | 'cpu') => (b === 'webgl' ? 'its GPU context was lost earlier in this tab' : BROWSER_PROBE.missingSupport(b)) } : BROWSER_PROBE;
    return chooseFastestBackend(data, settings, probe);
  }
  if (choice === 'webgl' && webglLost) {
    const outcome = await initBackend('wasm', ['webgl']);
    return { ...outcome, notes: [WEBGL_LOST, ...outcome.notes] };
  }
  return initBackend(choice, webglLost ? ['webgl'] : []);
}
const watchedCanvases = new WeakSet<object>();

function watchBackend(backend: string, lost: () => void): void {
  onContextLost = backend === 'webgl' ? lost : null;
  const canvas = backend === 'webgl' ? webglCanvas() : null;
  if (!canvas || watchedCanvases.has(canvas)) return;
  watchedCanvases.add(canvas);
  canvas.addEventListener('webglcontextlost', (event) => {
    event.preventDefault();
    webglLost = true;
    const lostNow = onContextLost;
    onContextLost = null;
    lostNow?.();
  });
}

const session = new TrainingSession({
  send: (message: FromWorker, transfer?: Transferable[]) => scope.postMessage(message, transfer ?? []),
  loadData: loadTrainingData,
  startBackend,
  fallbackBackend: async () => (await initBackend('wasm', ['webgl'])).backend,
  watchBackend,
  nextTask,
});

// The session queues every message and handles them in order (see protocol.ts).
scope.onmessage = (event: MessageEvent<ToWorker>) => session.receive(event.data);
