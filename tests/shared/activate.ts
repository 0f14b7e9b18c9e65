import * as tf from '@tensorflow/tfjs-core';
import { LEAKY_ALPHA } from '../../src/lib/model/activation-constants';
import type { LayerActivation } from '../../src/lib/model/architecture';

/** A layer's activation by tfjs's own stock ops: the reference the app's fused and hand-written kernels are checked against. */
export function activateByStockOps(x: tf.Tensor2D, act: LayerActivation): tf.Tensor2D {
  switch (act) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'leakyrelu':
      return tf.leakyRelu(x, LEAKY_ALPHA);
    case 'elu':
      return tf.elu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
  }
}
