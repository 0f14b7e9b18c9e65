import type { TrainingClient } from '../training/client.svelte';

/**
 * Resolves once the client's current model is fully built: ready, and its first
 * evaluation in (the worker's init publishes weights and evaluates after 'ready';
 * waiting for both keeps a restore from racing that first snapshot).
 */
export function whenModelReady(client: TrainingClient): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = $effect.root(() => {
      $effect(() => {
        const failed = client.status === 'error';
        const ready = client.status === 'ready' && client.latents !== null;
        if (settled || (!failed && !ready)) return;
        settled = true;
        // Stopped after this run, not inside it.
        queueMicrotask(() => stop());
        if (failed) reject(new Error(client.error ?? 'the model could not be built'));
        else resolve();
      });
    });
  });
}
