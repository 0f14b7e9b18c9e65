import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { Trainer, type TrainerSettings } from '../../src/lib/training/trainer';
import { product, WEBGL_KERNELS } from '../../src/lib/model/webgl/kernels';
import { packedAsOutput } from '../../src/lib/model/webgl/run';
import { STOCK_KERNELS } from '../../src/lib/model/stock-kernels';
import { registerStepKernels } from '../../src/lib/model/kernel-registry';
import { programCounter } from '../../src/lib/perf/gpu-programs';
import { maxRelDiff, useWebGl } from './helpers';
import type { TrainingData } from '../../src/lib/training/dataset';
import { randomData } from '../shared/random-data';

const SETTINGS: TrainerSettings = {
  arch: { inputSize: 784, hidden: [512, 256], latent: 2, act: 'relu' },
  opt: 'adam',
  batch: 128,
  seed: 3,
  recon: 'bce',
  beta: 1,
  warmup: 0,
  lr: 0.001,
};

/** GPU programs the webgl backend runs while `fn` runs (every launch, uploads' packing included), by the bench's own counter. */
function countPrograms(fn: () => void): number {
  const counter = programCounter(tf.backend())!;
  const before = counter.count;
  fn();
  return counter.count - before;
}

async function train(settings: TrainerSettings, data: TrainingData, steps: number) {
  const trainer = new Trainer(data, settings);
  const losses: number[][] = [];
  for (let i = 0; i < steps; i++) {
    const stats = trainer.trainStep();
    losses.push(Array.from(await stats.data()));
    stats.dispose();
  }
  const weights = (await trainer.vae.snapshot('all')).flatMap((l) => [l.weights, l.bias]);
  const optimizer = await trainer.checkpoint();
  trainer.dispose();
  return { losses, weights, optimizer: optimizer.optimizer! };
}

/** Six steps of the same model and data with the fused step on WebGL, then with the stock step on cpu. */
async function fusedAndStock(settings: TrainerSettings) {
  const data = randomData(784, 400, 1);
  await useWebGl();
  const fused = await train(settings, data, 6);
  await tf.setBackend('cpu');
  const stock = await train(settings, data, 6);
  await useWebGl();
  return { fused, stock };
}

describe('the Trainer on WebGL runs the fused step', () => {
  it('and trains as the stock step does on the cpu backend: same losses and weights (SGD) after 6 steps', async () => {
    const { fused, stock } = await fusedAndStock({ ...SETTINGS, opt: 'sgd', lr: 0.05 });
    fused.losses.forEach((l, i) => expect(maxRelDiff(l, stock.losses[i]), `losses of step ${i}`).toBeLessThan(1e-4));
    fused.weights.forEach((w, i) => expect(maxRelDiff(w, stock.weights[i]), `parameter ${i}`).toBeLessThan(1e-4));
  });

  it('with Adam: the same losses for 6 steps and the same optimizer state as tfjs keeps it', async () => {
    const { fused, stock } = await fusedAndStock(SETTINGS);
    // Weights are not compared here: Adam moves a weight by about lr whatever the size of its
    // gradient, so float noise in a near-zero gradient's sign decides its direction (the fused
    // update itself is compared exactly below).
    fused.losses.forEach((l, i) => expect(maxRelDiff(l, stock.losses[i]), `losses of step ${i}`).toBeLessThan(1e-4));
    expect(fused.optimizer.iterations).toBe(stock.optimizer.iterations);
    expect(fused.optimizer.powers).toEqual(stock.optimizer.powers);
    expect(fused.optimizer.slots.length).toBe(stock.optimizer.slots.length);
  });

  it('fused Adam updates weights and moments as tfjs\'s Adam does, given the same gradients', () => {
    const shapes = [[7, 5], [5], [3, 9], [1]];
    const make = () => shapes.map((shape, i) => tf.variable(tf.randomUniform(shape, -1, 1, 'float32', 20 + i)));
    const grads = shapes.map((shape, i) => tf.randomUniform(shape, -1e-2, 1e-2, 'float32', 40 + i));
    const run = (kernels: typeof WEBGL_KERNELS) => {
      const variables = make();
      const optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
      for (let step = 0; step < 3; step++) tf.tidy(() => kernels.applyGradients(optimizer, variables, grads));
      const state = optimizer.getWeights();
      return { variables, optimizer, state };
    };
    const fused = run(WEBGL_KERNELS);
    const stock = run(STOCK_KERNELS);
    fused.variables.forEach((v, i) => expect(maxRelDiff(v.dataSync(), stock.variables[i].dataSync()), `variable ${i}`).toBeLessThan(1e-5));
    return Promise.all([fused.state, stock.state]).then(([a, b]) => {
      // Slot names follow each model's own variable names; their kinds and order must match.
      const kinds = (list: typeof a) => list.map((w) => w.name.split('/').at(-1));
      expect(kinds(a)).toEqual(kinds(b));
      expect(a.map((w) => w.name)).toEqual(['iter', ...fused.variables.map((v) => `${v.name}/m`), ...fused.variables.map((v) => `${v.name}/v`)]);
      a.forEach((w, i) => expect(maxRelDiff(w.tensor.dataSync(), b[i].tensor.dataSync()), w.name).toBeLessThan(1e-5));
      tf.dispose([...fused.variables, ...stock.variables, ...grads]);
      fused.optimizer.dispose();
      stock.optimizer.dispose();
    });
  });

  it('a gradient stored as another shape\'s texture (a packed reshape view) is not read texel for texel: the stock update runs, with the same result', () => {
    // A packed [4, 6] product, viewed as [6, 4]: the same texture, read in another layout.
    const view = tf.tidy(() => tf.reshape(product(tf.randomUniform([4, 3], -1e-2, 1e-2, 'float32', 7) as tf.Tensor2D, tf.randomUniform([3, 6], -1, 1, 'float32', 8) as tf.Tensor2D, {}), [6, 4]));
    expect(packedAsOutput(view)).toBe(false);
    const copy = tf.tensor(view.dataSync(), [6, 4]);
    expect(packedAsOutput(copy)).toBe(true);
    const run = (kernels: typeof WEBGL_KERNELS, grad: tf.Tensor) => {
      const variable = tf.variable(tf.randomUniform([6, 4], -1, 1, 'float32', 9));
      const optimizer = tf.train.adam(0.01);
      const update = () => tf.tidy(() => kernels.applyGradients(optimizer, [variable], [grad]));
      update(); // the first also makes the moments and uploads and packs the inputs
      const programs = countPrograms(update);
      const values = variable.dataSync();
      variable.dispose();
      optimizer.dispose();
      return { values, programs };
    };
    const fromView = run(WEBGL_KERNELS, view);
    const fused = run(WEBGL_KERNELS, copy);
    const stock = run(STOCK_KERNELS, copy);
    expect(maxRelDiff(fromView.values, stock.values)).toBeLessThan(1e-5);
    expect(maxRelDiff(fused.values, stock.values)).toBeLessThan(1e-5);
    expect(fused.programs, 'the fused update: three programs').toBe(3);
    expect(fromView.programs, 'the stock update for the view').toBeGreaterThan(3);
    tf.dispose([view, copy]);
  });

  it('with a fixed, small number of GPU programs per step and no tensor left behind', async () => {
    await useWebGl();
    const trainer = new Trainer(randomData(784, 300, 2), SETTINGS);
    const warm = trainer.trainStep();
    await warm.data();
    warm.dispose();
    const before = tf.memory().numTensors;
    let stats: tf.Tensor | undefined;
    const fusedPrograms = countPrograms(() => (stats = trainer.trainStep()));
    await stats!.data();
    stats!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // The same step through the stock kernels (tfjs's own ops) on the same backend, for scale.
    const stockPrograms = countPrograms(() => {
      registerStepKernels('webgl', STOCK_KERNELS);
      try {
        tf.dispose(trainer.trainStep());
      } finally {
        registerStepKernels('webgl', WEBGL_KERNELS);
      }
    });
    console.log(`GPU programs per step: fused ${fusedPrograms}, stock kernels ${stockPrograms}`);
    expect(fusedPrograms).toBeLessThanOrEqual(70);
    expect(fusedPrograms * 2).toBeLessThan(stockPrograms);
    trainer.dispose();
  });
});
