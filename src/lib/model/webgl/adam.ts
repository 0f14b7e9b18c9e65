import * as tf from '@tensorflow/tfjs-core';
import { STOCK_KERNELS } from '../stock-kernels';
import { AdamProgram } from './programs';
import { cached, runProgram } from './run';

/** The parts of tfjs's AdamOptimizer the fused update reads and keeps up to date (its state stays tfjs's own). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

function slot(list: AdamInternals['accumulatedFirstMoment'], i: number, name: string): tf.Variable {
  // As tfjs creates them: zeros, not trainable, named after the variable.
  list[i] ??= { originalName: name, variable: tf.tidy(() => tf.zerosLike(tf.engine().registeredVariables[name.slice(0, name.lastIndexOf('/'))]).variable(false)) };
  return list[i]!.variable;
}

/**
 * Adam as three elementwise programs per variable (first moment, second
 * moment, weights), where tfjs's own update runs about fourteen. The state
 * lives where tfjs keeps it (moment slots, β powers, iteration count), so
 * checkpoints read and restore it unchanged. Other optimizers use the stock update.
 */
export function applyAdam(optimizer: tf.Optimizer, variables: tf.Variable[], grads: tf.Tensor[]): void {
  // Not instanceof: tfjs's optimizers answer instanceof by their methods, so any optimizer passes as Adam.
  if (optimizer.getClassName() !== 'Adam') return STOCK_KERNELS.applyGradients(optimizer, variables, grads);
  const adam = optimizer as unknown as AdamInternals;
  // The running powers β₁ᵗ⁺¹, β₂ᵗ⁺¹ are CPU-side scalars (never used by a GPU program here), so reading them costs nothing.
  const power1 = adam.accBeta1.dataSync()[0];
  const power2 = adam.accBeta2.dataSync()[0];
  const uniforms = [[adam.learningRate], [Math.fround(1 - power1)], [Math.fround(1 - power2)]];
  tf.tidy(() => {
    variables.forEach((variable, i) => {
      const m = slot(adam.accumulatedFirstMoment, i, `${variable.name}/m`);
      const v = slot(adam.accumulatedSecondMoment, i, `${variable.name}/v`);
      const inputs = [grads[i], m, v, variable].map((tensor) => ({ tensor }));
      const [m1, v1, w1] = (['m', 'v', 'w'] as const).map((part) => {
        const program = cached(`adam ${variable.shape} ${part} ${adam.beta1} ${adam.beta2} ${adam.epsilon}`, () => new AdamProgram(variable.shape, part, adam.beta1, adam.beta2, adam.epsilon));
        return runProgram(program, inputs, variable.shape, uniforms);
      });
      m.assign(m1);
      v.assign(v1);
      variable.assign(w1);
    });
    // As tfjs's Adam: each power times β in float32.
    adam.accBeta1.assign(tf.scalar(Math.fround(power1 * Math.fround(adam.beta1))));
    adam.accBeta2.assign(tf.scalar(Math.fround(power2 * Math.fround(adam.beta2))));
  });
  adam.incrementIterations();
}
