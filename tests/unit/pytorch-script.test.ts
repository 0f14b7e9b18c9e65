import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlaygroundConfig } from '../../src/lib/config/types';
import { DEFAULT_CONFIG } from '../../src/lib/config/types';
import { layerPlan } from '../../src/lib/model/architecture';
import { PIXELS, packDigits } from '../../src/lib/data/pack';
import { fixedSplit } from '../../src/lib/data/split';
import { pytorchScript, pytorchScriptFileName } from '../../src/lib/share/pytorch-script';

const CONFIGS: PlaygroundConfig[] = [
  { ...DEFAULT_CONFIG, hidden: [...DEFAULT_CONFIG.hidden] },
  { ...DEFAULT_CONFIG, hidden: [64, 32], latent: 3, beta: 4, lr: 0.003, recon: 'mse', act: 'tanh', opt: 'sgd', padx: 0, pady: 2 },
  { ...DEFAULT_CONFIG, hidden: [1024, 512, 256, 128], latent: 16, act: 'leakyrelu', opt: 'rmsprop', warmup: 2000, beta: 0, lr: 0.00001, batch: 32, seed: 7 },
  { ...DEFAULT_CONFIG, hidden: [8], latent: 1, act: 'elu', padx: 0, pady: 0, data: 'shapes' },
  { ...DEFAULT_CONFIG, hidden: [100, 50], act: 'sigmoid', beta: 0.5, lr: 1 },
];

function python(args: string[], input?: string): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync('python3', args, { input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr ?? '', stdout: result.stdout ?? '' };
}

const hasPython = python(['-c', 'pass']).status === 0;
/** The first of $PYTHON, python3 and /usr/bin/python3 that can import torch (a pyenv python3 may lack Debian's torch). */
const torchPython = [process.env.PYTHON, 'python3', '/usr/bin/python3']
  .filter((p): p is string => Boolean(p))
  .find((p) => spawnSync(p, ['-c', 'import torch'], { timeout: 60_000 }).status === 0);

/** The nn.Linear(a, b) sizes in order of appearance. */
function linearSizes(script: string): [number, number][] {
  return [...script.matchAll(/nn\.Linear\((\d+), (\d+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('PyTorch export script', () => {
  it('is valid Python for every config (ast.parse)', () => {
    expect(hasPython).toBe(true);
    for (const config of CONFIGS) {
      const result = python(['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], pytorchScript(config));
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
  });

  it('builds the same layer sizes as the app, in order', () => {
    for (const config of CONFIGS) {
      const plan = layerPlan({ inputSize: PIXELS, hidden: config.hidden, latent: config.latent, act: config.act });
      const expected = [...plan.encoder, ...plan.decoder].map(([i, o]) => [i, o]);
      expect(linearSizes(pytorchScript(config))).toEqual(expected);
    }
  });

  it('carries the activation, loss, β, warm-up, optimizer, learning rate, batch and seed', () => {
    const [, mse, deep] = CONFIGS;
    const a = pytorchScript(mse);
    expect(a).toMatch(/^ACTIVATION = "tanh"$/m);
    expect(a).toMatch(/^RECON = "mse"/m);
    expect(a).toMatch(/^BETA = 4\.0$/m);
    expect(a).toMatch(/^OPTIMIZER = "sgd"$/m);
    expect(a).toMatch(/^LR = 0\.003$/m);
    expect(a).toMatch(/^HIDDEN = \[64, 32\]$/m);
    expect(a.match(/nn\.Tanh\(\)/g)?.length).toBe(4);
    expect(a).toContain('LOG_VAR_MIN, LOG_VAR_MAX = -10.0, 10.0');
    const b = pytorchScript(deep);
    expect(b).toMatch(/^WARMUP = 2000/m);
    expect(b).toMatch(/^BETA = 0\.0$/m);
    expect(b).toMatch(/^OPTIMIZER = "rmsprop"$/m);
    expect(b).toMatch(/^LR = 0\.00001$/m);
    expect(b).toMatch(/^BATCH = 32$/m);
    expect(b).toMatch(/^SEED = 7$/m);
    expect(b.match(/nn\.LeakyReLU\(0\.2\)/g)?.length).toBe(8);
    expect(pytorchScript(CONFIGS[3])).toContain('trains on MNIST instead');
  });

  it('accepts the documented flags and runs under torchrun detection', () => {
    const script = pytorchScript(CONFIGS[0], { epochs: 3 });
    for (const flag of ['--epochs', '--batch', '--lr', '--beta', '--data-dir', '--out', '--packed-mnist']) expect(script).toContain(`"${flag}"`);
    expect(script).toMatch(/^EPOCHS = 3$/m);
    expect(script).toContain('DistributedDataParallel');
    expect(script).toContain('epoch_batches(len(train_x), args.batch, args.seed, epoch - 1)');
    expect(script).toContain('"RANK" in os.environ');
    expect(script).toContain('init_process_group("nccl")');
    expect(script).toContain('init_process_group("gloo")');
    expect(pytorchScriptFileName(CONFIGS[0])).toBe('vae_mnist_z2_512x256.py');
  });

  it.skipIf(!torchPython)('trains a few steps on fake data with torch (skipped: torch not installed here)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vae-script-'));
    try {
      const file = join(dir, 'vae.py');
      writeFileSync(file, pytorchScript(CONFIGS[1]));
      const out = execFileSync(torchPython!, [file, '--fake-data', '--epochs', '1', '--max-steps', '5', '--out', join(dir, 'm.pt')], { encoding: 'utf8', timeout: 120_000 });
      expect(out).toMatch(/epoch 1 step 5: .*-ELBO/);
      expect(out).toContain('saved');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!torchPython)("trains on the app's packed digits with the app's fixed split (--packed-mnist)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'vae-script-'));
    try {
      // 10 digits with 203–212 images each: the last 200 of each are test, the rest train.
      const labels: number[] = [];
      for (let d = 0; d < 10; d++) for (let i = 0; i < 203 + d; i++) labels.push(d);
      const count = labels.length;
      const pixels = Uint8Array.from({ length: count * PIXELS }, (_, k) => (k * 7) % 256);
      const dataFile = join(dir, 'mnist.bin');
      writeFileSync(dataFile, packDigits({ count, labels: Uint8Array.from(labels), pixels }));
      const split = fixedSplit(Uint8Array.from(labels));
      const file = join(dir, 'vae.py');
      writeFileSync(file, pytorchScript(CONFIGS[1]));
      const out = execFileSync(torchPython!, [file, '--packed-mnist', dataFile, '--batch', '8', '--epochs', '1', '--max-steps', '3', '--out', join(dir, 'm.pt')], { encoding: 'utf8', timeout: 120_000 });
      expect(out).toContain(`${split.train.length} train / ${split.test.length} test images`);
      expect(split.train.length).toBe(75);
      expect(out).toMatch(/epoch 1 step 3: .*-ELBO/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
