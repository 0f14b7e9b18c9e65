/**
 * Trains the app's own Trainer (src/lib/training/trainer.ts) in Node on the
 * fixed MNIST split and prints one JSON line per epoch with the test terms.
 * Loaded through Vite's SSR module loader by tests/parity/run.mjs.
 */
import * as tf from '@tensorflow/tfjs-core';
// The ESM entry: the package's Node entry is not marked as having side effects, so a bundler drops it.
import '@tensorflow/tfjs-backend-cpu/dist/index.js';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readMnistPackage } from '../../src/lib/data/mnist-source';
import { packDigits } from '../../src/lib/data/pack';
import { mnistFromPacked } from '../../src/lib/training/dataset';
import { Trainer } from '../../src/lib/training/trainer';
import { DEFAULT_CONFIG } from '../../src/lib/config/types';
import { PIXELS } from '../../src/lib/data/pack';
import { Vae } from '../../src/lib/model/vae';
import { writeFileSync } from 'node:fs';

export interface AppRunOptions {
  seed: number;
  epochs: number;
  backend: 'wasm' | 'cpu';
  wasmDir: string;
  log: (line: string) => void;
}

export async function trainApp({ seed, epochs, backend, wasmDir, log }: AppRunOptions): Promise<number> {
  if (backend === 'wasm') {
    setWasmPaths(wasmDir);
    await import('@tensorflow/tfjs-backend-wasm');
  }
  await tf.setBackend(backend);
  await tf.ready();
  const data = mnistFromPacked(packDigits(readMnistPackage()));
  const c = DEFAULT_CONFIG;
  const trainer = new Trainer(data, {
    arch: { inputSize: PIXELS, hidden: [...c.hidden], latent: c.latent, act: c.act },
    opt: c.opt, batch: c.batch, seed, recon: c.recon, beta: c.beta, warmup: c.warmup, lr: c.lr,
  });
  const started = Date.now();
  let nelbo = NaN;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let s = 0; s < trainer.stepsPerEpoch; s++) trainer.trainStep().dispose();
    const { recon, kl } = await trainer.evaluate();
    nelbo = recon + kl;
    log(JSON.stringify({ side: 'app', seed, epoch, step: trainer.step, recon, kl, nelbo, seconds: (Date.now() - started) / 1000 }));
  }
  trainer.dispose();
  return nelbo;
}

/**
 * The app's initial weights for `seed`, every layer's weights (inputs × outputs,
 * row-major) then biases, as one float32 file: the PyTorch side can start from them.
 */
export async function writeInitialWeights(seed: number, file: string): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  const c = DEFAULT_CONFIG;
  const vae = new Vae({ inputSize: PIXELS, hidden: [...c.hidden], latent: c.latent, act: c.act }, seed);
  const layers = await vae.snapshot('all');
  vae.dispose();
  const parts = layers.flatMap((l) => [l.weights, l.bias]);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  writeFileSync(file, new Uint8Array(out.buffer));
}
