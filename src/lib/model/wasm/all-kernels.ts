/**
 * The rest of tfjs's wasm kernels, registered after the first step (see
 * first-kernels.ts). Every kernel module of the package is read, as its
 * own register_all_kernels does, but only configs not yet registered are
 * added: registering one twice would warn. A kernel registered after its
 * backend started has missed the backend's set-up call (which binds its
 * wasm functions), so each new one gets that call here.
 */
import * as tf from '@tensorflow/tfjs-core';

const modules = import.meta.glob<Record<string, unknown>>('../../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/kernels/*.js', { eager: true });

function isWasmKernel(value: unknown): value is tf.KernelConfig {
  const config = value as Partial<tf.KernelConfig> | null;
  return typeof config === 'object' && config !== null && config.backendName === 'wasm' && typeof config.kernelName === 'string' && typeof config.kernelFunc === 'function';
}

/** Registers every wasm kernel not registered yet and sets it up on `backend`; returns how many were added. */
export function registerRemainingWasmKernels(backend: tf.KernelBackend): number {
  let added = 0;
  for (const exports of Object.values(modules)) {
    for (const config of Object.values(exports)) {
      if (!isWasmKernel(config) || tf.getKernel(config.kernelName, 'wasm')) continue;
      tf.registerKernel(config);
      config.setupFunc?.(backend);
      added++;
    }
  }
  return added;
}
