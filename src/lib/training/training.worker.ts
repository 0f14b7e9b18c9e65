/// <reference lib="webworker" />
import type { FromWorker, ToWorker } from './protocol';
import { TrainingSession } from './session';
import { completeKernels, initBackend, watchWebGpuDevice, webGpuLossReported, webglCanvas, type BackendName } from './backend';
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

/** The session's hook for a lost GPU device; one listener per canvas or device, calling whoever trains on it now. */
let onContextLost: (() => void) | null = null;
/**
 * tfjs keeps its webgl and webgpu backends registered after their context or
 * device is gone, and switching back would hang on the first read: once lost,
 * a GPU backend is not used again in this tab.
 */
const lostBackends = new Set<BackendName>();
const lostNote = (backend: BackendName) => `its GPU ${backend === 'webgl' ? 'context' : 'device'} was lost earlier in this tab`;

async function startBackend(choice: BackendChoice, data: TrainingData, settings: TrainerSettings): Promise<{ backend: string; notes: string[] }> {
  if (choice === 'auto') {
    const probe = lostBackends.size === 0 ? BROWSER_PROBE : { ...BROWSER_PROBE, missingSupport: async (b: BackendName) => (lostBackends.has(b) ? lostNote(b) : BROWSER_PROBE.missingSupport(b)) };
    return chooseFastestBackend(data, settings, probe);
  }
  if (lostBackends.has(choice)) {
    const outcome = await initBackend('wasm', [...lostBackends]);
    return { ...outcome, notes: [`${choice} skipped: ${lostNote(choice)}`, ...outcome.notes] };
  }
  return initBackend(choice, [...lostBackends]);
}
const watchedDevices = new WeakSet<object>();

/** Marks the backend lost for this tab and moves whoever trains on it to the next one. */
function deviceLost(backend: BackendName): void {
  lostBackends.add(backend);
  const lostNow = onContextLost;
  onContextLost = null;
  lostNow?.();
}

function watchBackend(backend: string, lost: () => void): void {
  onContextLost = backend === 'webgl' || backend === 'webgpu' ? lost : null;
  if (backend === 'webgpu') {
    watchWebGpuDevice(watchedDevices, () => deviceLost('webgpu'));
    return;
  }
  const canvas = backend === 'webgl' ? webglCanvas() : null;
  if (!canvas || watchedDevices.has(canvas)) return;
  watchedDevices.add(canvas);
  canvas.addEventListener('webglcontextlost', (event) => {
    event.preventDefault();
    deviceLost('webgl');
  });
}

const session = new TrainingSession({
  send: (message: FromWorker, transfer?: Transferable[]) => scope.postMessage(message, transfer ?? []),
  loadData: loadTrainingData,
  startBackend,
  fallbackBackend: async () => (await initBackend('wasm', [...lostBackends])).backend,
  watchBackend,
  // A second is ample: the loss follows the failed read within the same few tasks.
  lossReported: () => webGpuLossReported(1000),
  nextTask,
  completeKernels,
});

// The session queues every message and handles them in order (see protocol.ts).
scope.onmessage = (event: MessageEvent<ToWorker>) => session.receive(event.data);
