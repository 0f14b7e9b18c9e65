import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerName } from '../config/types';
import type { LayerSnapshot } from '../model/vae';
import { ADAM_EPSILON } from '../model/training-choices';

/**
 * An optimizer's state as plain arrays: its iteration count and its per-variable
 * slots in tfjs's own order (Adam: first moments, then second moments; RMSProp:
 * mean squares, then moments; SGD: none).
 */
export interface OptimizerState {
  name: OptimizerName;
  iterations: number;
  slots: Float32Array[];
  /**
   * Adam's running powers β₁ᵗ⁺¹ and β₂ᵗ⁺¹ exactly as it holds them: it multiplies
   * by β every step, and the pow() its setWeights uses instead can differ in
   * the last bit, which would make a resumed run drift from an uninterrupted one.
   */
  powers: number[];
}

/**
 * Everything a run needs to continue exactly where it was: the weights, the
 * optimizer state and the step they belong to. Epoch, data cursor and KL
 * warm-up all follow from the step.
 */
export interface Checkpoint {
  step: number;
  layers: LayerSnapshot[];
  /** null: weights only (a model file), the optimizer starts fresh. */
  optimizer: OptimizerState | null;
}

/**
 * ADAM_EPSILON, except on a backend whose floats cannot hold it (WebGL with
 * 16-bit textures reports ε = 1e-4): there its own ε, as tfjs would choose.
 */
function adamEpsilon(): number {
  const floor = tf.backend().epsilon();
  return floor > ADAM_EPSILON * 10 ? floor : ADAM_EPSILON;
}

export function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(lr, 0.9, 0.999, adamEpsilon());
    case 'sgd':
      return tf.train.sgd(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
  }
}

/** Copies of the optimizer's state (copies: a backend may hand out its own storage). */
export async function readOptimizerState(optimizer: tf.Optimizer, name: OptimizerName): Promise<OptimizerState> {
  const [iterationsEntry, ...slotEntries] = await optimizer.getWeights();
  // getWeights makes a fresh scalar for the count and hands out the slot variables themselves.
  const iterations = (await iterationsEntry.tensor.data())[0];
  iterationsEntry.tensor.dispose();
  const slots = await Promise.all(slotEntries.map(async (entry) => Float32Array.from(await entry.tensor.data())));
  const own = adamPowers(optimizer);
  const powers = own ? await Promise.all(own.map(async (v) => (await v.data())[0])) : [];
  return { name, iterations, slots, powers };
}

/** Adam's accumulated β powers (tfjs keeps them as two scalar variables); null for other optimizers. */
function adamPowers(optimizer: tf.Optimizer): [tf.Variable, tf.Variable] | null {
  const adam = optimizer as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  return adam.accBeta1 && adam.accBeta2 ? [adam.accBeta1, adam.accBeta2] : null;
}

/**
 * Checks a saved optimizer state against the variables it must drive; null if
 * it fits, else what is wrong. Slots come in whole groups of one per variable.
 */
export function optimizerStateProblem(state: OptimizerState, name: OptimizerName, variableSizes: number[]): string | null {
  if (state.name !== name) return `the state is for ${state.name}, the model trains with ${name}`;
  if (!Number.isInteger(state.iterations) || state.iterations < 0) return `iteration count ${state.iterations} is not a whole number ≥ 0`;
  const powersExpected = name === 'adam' ? 2 : 0;
  if (state.powers.length !== powersExpected || !state.powers.every((p) => Number.isFinite(p) && p > 0 && p <= 1)) {
    return `${state.powers.length} running β powers, expected ${powersExpected} in (0, 1]`;
  }
  const groups = name === 'sgd' ? 0 : 2;
  // Before the first step the slots do not exist yet.
  if (state.slots.length !== 0 && state.slots.length !== groups * variableSizes.length) {
    return `${state.slots.length} state arrays, expected ${groups * variableSizes.length}`;
  }
  for (let i = 0; i < state.slots.length; i++) {
    const expected = variableSizes[i % variableSizes.length];
    if (state.slots[i].length !== expected) return `state array ${i} holds ${state.slots[i].length} values, expected ${expected}`;
  }
  return null;
}

/** A new optimizer carrying on from a saved state (which must have passed optimizerStateProblem). */
export async function optimizerFromState(state: OptimizerState, lr: number, variableShapes: number[][]): Promise<tf.Optimizer> {
  const optimizer = makeOptimizer(state.name, lr);
  const values = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') as tf.Tensor },
    ...state.slots.map((slot, i) => ({ name: `slot${i}`, tensor: tf.tensor(slot, variableShapes[i % variableShapes.length]) })),
  ];
  try {
    // setWeights keeps variables made from these tensors (sharing their storage), so ours can go.
    await optimizer.setWeights(values);
  } catch (error) {
    optimizer.dispose();
    throw error;
  } finally {
    tf.dispose(values.map((v) => v.tensor));
  }
  const own = adamPowers(optimizer);
  if (own) tf.tidy(() => own.forEach((v, i) => v.assign(tf.scalar(state.powers[i]))));
  return optimizer;
}
