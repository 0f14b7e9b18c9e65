import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone has no gradients registered; training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { LayerActivation } from './architecture';
import { LEAKY_ALPHA } from './activation-constants';

export type { LayerActivation };


type FusedActivation = 'relu' | 'leakyrelu' | 'elu' | 'sigmoid' | 'linear';

/** Applies the activation; fused into the matmul where tfjs supports it. */
function activate(z: tf.Tensor2D, act: LayerActivation): tf.Tensor2D {
  return act === 'tanh' ? tf.tanh(z) : z;
}

function fusedKind(act: LayerActivation): FusedActivation {
  return act === 'tanh' ? 'linear' : act;
}

/** act(x·W + b) with no gradient attached: the activation fused into the product where tfjs can. */
export function denseForward(x: tf.Tensor2D, weights: tf.Tensor2D, bias: tf.Tensor1D, act: LayerActivation): tf.Tensor2D {
  return activate(tf.fused.matMul({ a: x, b: weights, bias, activation: fusedKind(act), leakyreluAlpha: LEAKY_ALPHA }) as tf.Tensor2D, act);
}

/**
 * d(activation)/d(pre-activation), written in terms of the layer's *output* so
 * the backward pass needs no extra saved tensor.
 */
export function activationSlope(out: tf.Tensor2D, act: LayerActivation): tf.Tensor2D {
  switch (act) {
    case 'linear':
      return tf.onesLike(out);
    case 'relu':
      return tf.step(out, 0);
    case 'leakyrelu':
      return tf.where(tf.greater(out, 0), tf.onesLike(out), tf.fill(out.shape, LEAKY_ALPHA));
    case 'elu':
      // out = z for z > 0, e^z − 1 otherwise, whose slope e^z = out + 1.
      return tf.where(tf.greater(out, 0), tf.onesLike(out), tf.add(out, 1));
    case 'sigmoid':
      return tf.mul(out, tf.sub(1, out));
    case 'tanh':
      return tf.sub(1, tf.square(out));
  }
}

/**
 * A dense layer y = act(x·W + b) with a hand-written gradient.
 *
 * Why: backprop through a stock matMul asks for transposed operands, and the
 * wasm backend only takes its fast (XNNPACK) path when neither operand is
 * transposed. On wasm the gradient transposes explicitly first, keeping every
 * matmul on the fast path; on webgl and cpu it passes transpose flags instead.
 */
export function dense(x: tf.Tensor2D, weights: tf.Tensor2D, bias: tf.Tensor1D, act: LayerActivation): tf.Tensor2D {
  const layer = tf.customGrad(((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, b, save] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const out = denseForward(input, w, b, act);
    save([input, w, out]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedInput, savedW, savedOut] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dz = act === 'linear' ? (dy as tf.Tensor2D) : tf.mul(dy as tf.Tensor2D, activationSlope(savedOut, act));
        // wasm: transpose first, so XNNPACK's fast path applies. Elsewhere a
        // transpose is a real copy and the matmul kernels take the flag for free.
        const explicit = tf.getBackend() === 'wasm';
        const dx = explicit ? tf.matMul(dz, tf.transpose(savedW)) : tf.matMul(dz, savedW, false, true);
        const dw = explicit ? tf.matMul(tf.transpose(savedInput), dz) : tf.matMul(savedInput, dz, true, false);
        const db = tf.sum(dz, 0);
        return [dx, dw, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return layer(x, weights, bias) as tf.Tensor2D;
}
