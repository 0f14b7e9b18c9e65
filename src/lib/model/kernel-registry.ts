import * as tf from '@tensorflow/tfjs-core';
import type { StepKernels } from './backprop';
import { STOCK_KERNELS } from './stock-kernels';

/** Fused kernels per backend name, registered when that backend's code loads (so others never load them). */
const fused = new Map<string, StepKernels>();

export function registerStepKernels(backend: string, kernels: StepKernels): void {
  fused.set(backend, kernels);
}

/** The active backend's fused kernels, or the stock ones. */
export function stepKernels(): StepKernels {
  return fused.get(tf.getBackend()) ?? STOCK_KERNELS;
}
