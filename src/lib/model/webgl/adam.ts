import * as tf from '@tensorflow/tfjs-core';
import { fusedAdamStep } from '../adam-state';
import { STOCK_KERNELS } from '../stock-kernels';
import { AdamProgram } from './programs';
import { cached, packedAsOutput, runProgram } from './run';

/**
 * Adam as three elementwise programs per variable (first moment, second
 * moment, weights), where tfjs's own update runs about fourteen; the state
 * stays tfjs's own (adam-state.ts). Other optimizers, and tensors whose
 * textures a texel-for-texel program cannot read, use the stock update.
 */
export function applyAdam(optimizer: tf.Optimizer, variables: tf.Variable[], grads: tf.Tensor[]): void {
  const readable = [...variables, ...grads].every(packedAsOutput);
  const fused = readable && fusedAdamStep(optimizer, variables, (step) => {
    const uniforms = [[step.lr], [step.correction1], [step.correction2]];
    tf.tidy(() => {
      variables.forEach((variable, i) => {
        // The moments are only ever tfjs's zeros, a restored copy or these programs' own outputs: plain textures.
        const { m, v } = step.moments(i);
        const inputs = [grads[i], m, v, variable].map((tensor) => ({ tensor }));
        const [m1, v1, w1] = (['m', 'v', 'w'] as const).map((part) => {
          const program = cached(`adam ${variable.shape} ${part} ${step.beta1} ${step.beta2} ${step.epsilon}`, () => new AdamProgram(variable.shape, part, step.beta1, step.beta2, step.epsilon));
          return runProgram(program, inputs, variable.shape, uniforms);
        });
        m.assign(m1);
        v.assign(v1);
        variable.assign(w1);
      });
    });
  });
  if (!fused) STOCK_KERNELS.applyGradients(optimizer, variables, grads);
}
