import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';

/** The browser's WebGL (SwiftShader here), set up as the app sets it up. */
export async function useWebGl(): Promise<void> {
  tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', false);
  if (!(await tf.setBackend('webgl'))) throw new Error('WebGL is not available in this browser');
  await tf.ready();
}

/** Largest |a − b| relative to the largest |b| (so tiny entries do not dominate). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return Number.isNaN(worst) || a.length !== b.length ? Infinity : worst;
}
