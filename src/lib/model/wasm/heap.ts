import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Tensors on the wasm backend live in its heap: these read them and make new
 * ones there from plain JavaScript loops, so a step's small elementwise work
 * is one pass instead of a chain of tfjs ops (each with its own allocation
 * and call overhead). Views go stale when the heap grows: take them after
 * every allocation, never across one.
 */
function wasm(): BackendWasm {
  return tf.backend() as unknown as BackendWasm;
}

/** The float32 (or int32) values of `t`, in place in the heap: read only. */
export function heapView(t: tf.Tensor): Float32Array | Int32Array {
  return wasm().typedArrayFromHeap(t) as Float32Array | Int32Array;
}

/**
 * A new float32 tensor of `shape` whose every value `fill` writes into `out`;
 * `fill` takes its input views itself (after the allocation, so none is stale).
 * The tensor is tracked like any tfjs result (tf.tidy disposes it).
 */
export function heapTensor<T extends tf.Tensor>(shape: number[], fill: (out: Float32Array) => void): T {
  return heapTensors([shape], ([out]) => fill(out))[0] as T;
}

/** Several new float32 tensors at once: all are allocated before `fill` takes any view. */
export function heapTensors(shapes: number[][], fill: (outs: Float32Array[]) => void): tf.Tensor[] {
  const backend = wasm();
  const infos = shapes.map((shape) => backend.makeOutput(shape, 'float32'));
  fill(infos.map((info) => backend.typedArrayFromHeap(info) as Float32Array));
  return infos.map((info) => tf.engine().makeTensorFromTensorInfo(info));
}

/** Where `t`'s values start in the heap, in bytes. */
export function heapOffset(t: tf.Tensor): number {
  return heapView(t).byteOffset;
}

/** The backend's WebAssembly.Memory (the heap itself), or null where its build does not expose it. */
export function heapMemory(): WebAssembly.Memory | null {
  const module = wasm().wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown; HEAPU8: Uint8Array };
  const memory = module.asm?.memory ?? module.wasmMemory;
  return memory instanceof WebAssembly.Memory && memory.buffer === module.HEAPU8.buffer ? memory : null;
}
