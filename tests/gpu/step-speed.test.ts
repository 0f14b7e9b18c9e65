/**
 * Micro-benchmark, not a test: the default model's whole fused training step
 * on WebGL (784-512-256-2, batch 128, Adam), and the same step with one part
 * left out, interleaved, to see what each part costs. Runs only when asked:
 * VITE_STEP_BENCH=1 flock /tmp/bench.lock npx vitest run --project gpu tests/gpu/step-speed.test.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import { describe, expect, it } from 'vitest';
import { Trainer, type TrainerSettings } from '../../src/lib/training/trainer';
import { WEBGL_KERNELS } from '../../src/lib/model/webgl/kernels';
import type { StepKernels } from '../../src/lib/model/backprop';
import { useWebGl } from './helpers';
import { randomData } from '../shared/random-data';

const SETTINGS: TrainerSettings = { arch: { inputSize: 784, hidden: [512, 256], latent: 2, act: 'relu' }, opt: 'adam', batch: 128, seed: 3, recon: 'bce', beta: 1, warmup: 0, lr: 0.001 };

/** Milliseconds per step over `steps` steps, waiting for the GPU at the end only (as the app does, loss reads aside). */
async function msPerStep(trainer: Trainer, steps: number): Promise<number> {
  const start = performance.now();
  let stats: tf.Tensor | undefined;
  for (let i = 0; i < steps; i++) {
    stats?.dispose();
    stats = trainer.trainStep();
  }
  await stats!.data();
  stats!.dispose();
  return (performance.now() - start) / steps;
}

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

describe.runIf(import.meta.env.VITE_STEP_BENCH)('step micro-benchmark', () => {
  it('times the whole step and the step without each part', async () => {
    await useWebGl();
    const trainer = new Trainer(randomData(784, 2000, 1), SETTINGS);
    await msPerStep(trainer, 10);
    const kernels = WEBGL_KERNELS as { -readonly [K in keyof StepKernels]: StepKernels[K] };
    const original = { ...WEBGL_KERNELS };
    // Timing only: without the update the weights stand still, which costs the GPU nothing either way.
    const variants: Record<string, Partial<StepKernels>> = { whole: {}, 'without Adam': { applyGradients: () => {} } };
    const times: Record<string, number[]> = {};
    for (let round = 0; round < 5; round++) {
      for (const [name, change] of Object.entries(variants)) {
        Object.assign(kernels, original, change);
        (times[name] ??= []).push(await msPerStep(trainer, 20));
      }
    }
    Object.assign(kernels, original);
    trainer.dispose();
    console.log(Object.entries(times).map(([name, ts]) => `${name}: ${median(ts).toFixed(1)} ms/step [${Math.min(...ts).toFixed(1)}–${Math.max(...ts).toFixed(1)}]`).join('\n'));
    expect(median(times.whole)).toBeGreaterThan(0);
  }, 600_000);
});
