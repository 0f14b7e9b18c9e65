import * as tf from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs's AdamOptimizer a fused update reads and keeps up to
 * date. Its state stays tfjs's own (moment slots, β powers, iteration count),
 * so checkpoints read and restore it unchanged whichever update ran.
 */
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

/** What one fused Adam update needs: hyper-parameters, this step's bias corrections, and each variable's moment slots. */
export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β₁ᵗ⁺¹ and 1 − β₂ᵗ⁺¹ in float32, as tfjs computes them. */
  correction1: number;
  correction2: number;
  /** The first- and second-moment variables of variables[i]. */
  moments(i: number): { m: tf.Variable; v: tf.Variable };
}

function slot(list: AdamInternals['accumulatedFirstMoment'], i: number, name: string): tf.Variable {
  // As tfjs creates them: zeros, not trainable, named after the variable.
  list[i] ??= { originalName: name, variable: tf.tidy(() => tf.zerosLike(tf.engine().registeredVariables[name.slice(0, name.lastIndexOf('/'))]).variable(false)) };
  return list[i]!.variable;
}

/** tfjs's Adam, or null for any other optimizer (which then takes the stock update). */
function asAdam(optimizer: tf.Optimizer): AdamInternals | null {
  // Not instanceof: tfjs's optimizers answer instanceof by their methods, so any optimizer passes as Adam.
  return optimizer.getClassName() === 'Adam' ? (optimizer as unknown as AdamInternals) : null;
}

/**
 * Runs `update` as one Adam step on `variables`, then advances the
 * optimizer's β powers and iteration count as tfjs's own update does.
 * Returns false (and does nothing) when `optimizer` is not Adam.
 */
export function fusedAdamStep(optimizer: tf.Optimizer, variables: tf.Variable[], update: (step: AdamStep) => void): boolean {
  const adam = asAdam(optimizer);
  if (!adam) return false;
  // The running powers are CPU-side scalars on a GPU backend and heap values on wasm: reading them costs nothing.
  const power1 = adam.accBeta1.dataSync()[0];
  const power2 = adam.accBeta2.dataSync()[0];
  update({
    lr: adam.learningRate,
    beta1: adam.beta1,
    beta2: adam.beta2,
    epsilon: adam.epsilon,
    correction1: Math.fround(1 - power1),
    correction2: Math.fround(1 - power2),
    moments: (i) => ({
      m: slot(adam.accumulatedFirstMoment, i, `${variables[i].name}/m`),
      v: slot(adam.accumulatedSecondMoment, i, `${variables[i].name}/v`),
    }),
  });
  tf.tidy(() => {
    // As tfjs's Adam: each power times β in float32.
    adam.accBeta1.assign(tf.scalar(Math.fround(power1 * Math.fround(adam.beta1))));
    adam.accBeta2.assign(tf.scalar(Math.fround(power2 * Math.fround(adam.beta2))));
  });
  adam.incrementIterations();
  return true;
}
