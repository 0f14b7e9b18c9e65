import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl/dist/gpgpu_math';
import { getTextureShapeFromLogicalShape } from '@tensorflow/tfjs-backend-webgl/dist/webgl_util';

function webgl(): MathBackendWebGL {
  return tf.backend() as unknown as MathBackendWebGL;
}

/** Runs one program on tensors (read with the given shapes) and returns its output as a tensor of `shape`. */
export function runProgram<T extends tf.Tensor>(program: GPGPUProgram, inputs: { tensor: tf.Tensor; shape?: number[] }[], shape: number[], uniforms?: number[][]): T {
  const infos = inputs.map(({ tensor, shape: as }) => ({ dataId: tensor.dataId, shape: as ?? tensor.shape, dtype: tensor.dtype }));
  // preventEagerUnpacking: packed outputs stay packed for the next packed program.
  const out = webgl().runWebGLProgram(program, infos, 'float32', uniforms, true);
  return tf.engine().makeTensorFromTensorInfo({ ...out, shape }) as T;
}

/**
 * Whether `tensor` reaches a packed program as the very texture tfjs makes
 * for a new packed output of its own shape, texel for texel, so that an
 * elementwise program may read it at its own output position (resultUV).
 * A tensor not yet packed is packed with that layout on the way in; a view
 * (a reshape or slice sharing another tensor's texture) may differ.
 */
export function packedAsOutput(tensor: tf.Tensor): boolean {
  const data = webgl().texData.get(tensor.dataId);
  if (data.slice != null || !tf.util.arraysEqual(data.shape, tensor.shape)) return false;
  if (!data.isPacked || data.texShape == null) return true;
  return tf.util.arraysEqual(data.texShape, getTextureShapeFromLogicalShape(tensor.shape, true));
}

/** Programs are built once per shape and reused: the step's shapes never change, and building one costs GLSL text. */
const cache = new Map<string, GPGPUProgram>();
export function cached<P extends GPGPUProgram>(key: string, make: () => P): P {
  let program = cache.get(key);
  if (!program) cache.set(key, (program = make()));
  return program as P;
}
