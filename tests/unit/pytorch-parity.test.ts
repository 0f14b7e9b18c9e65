/**
 * The exported PyTorch script must train exactly like the app: the same
 * shuffle, the same optimizer arithmetic (tf.js's RMSProp keeps ε inside the
 * square root), the same log σ² clamp and the same initial-weight
 * distribution. Each check runs the script's own functions in Python (torch)
 * next to the app's tfjs code (cpu backend). Skipped where torch is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './setup-tf';
import { DEFAULT_CONFIG, type OptimizerName } from '../../src/lib/config/types';
import { mixSeed, seededPermutation } from '../../src/lib/data/rng';
import { PIXELS } from '../../src/lib/data/pack';
import { Vae } from '../../src/lib/model/vae';
import { makeOptimizer } from '../../src/lib/training/checkpoint';
import { pytorchScript } from '../../src/lib/share/pytorch-script';

/** The first of $PYTHON, python3 and /usr/bin/python3 that can import torch. */
const PYTHON = [process.env.PYTHON, 'python3', '/usr/bin/python3']
  .filter((p): p is string => Boolean(p))
  .find((p) => spawnSync(p, ['-c', 'import torch'], { timeout: 60_000 }).status === 0);

let dir = '';
let scriptFile = '';

/** Runs Python code with the exported script imported as `m`; returns its JSON output. */
function withScript(code: string, input: unknown = null): unknown {
  const prelude = [
    'import importlib.util, json, sys',
    `spec = importlib.util.spec_from_file_location("exported", ${JSON.stringify(scriptFile)})`,
    'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
    'import torch',
    'data = json.loads(sys.stdin.read())',
  ].join('\n');
  const run = spawnSync(PYTHON!, ['-c', `${prelude}\n${code}`], { input: JSON.stringify(input), encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe.skipIf(!PYTHON)('exported PyTorch script trains like the app (skipped: no Python with torch)', () => {
  beforeAll(async () => {
    await useCpuBackend();
    dir = mkdtempSync(join(tmpdir(), 'vae-parity-'));
    scriptFile = join(dir, 'vae.py');
    writeFileSync(scriptFile, pytorchScript({ ...DEFAULT_CONFIG, hidden: [...DEFAULT_CONFIG.hidden] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("draws the app's batches: mix_seed and seeded_permutation equal the app's mixSeed and seededPermutation", () => {
    const cases = [[42, 0], [42, 4], [1, 3], [0xfffffff, 123456]];
    const py = withScript('print(json.dumps([[m.mix_seed(s, e), m.seeded_permutation(1000, m.mix_seed(s, e))] for s, e in data]))', cases) as [number, number[]][];
    cases.forEach(([seed, epoch], i) => {
      expect(py[i][0]).toBe(mixSeed(seed, epoch));
      expect(py[i][1]).toEqual(Array.from(seededPermutation(1000, mixSeed(seed, epoch))));
    });
  });

  for (const opt of ['adam', 'rmsprop', 'sgd'] as OptimizerName[]) {
    it(`${opt}: the script's optimizer moves parameters exactly as the app's`, () => {
      // Gradients spanning tiny to large, so where ε sits (inside or outside the root) and its size both show.
      const start = [0.5, -0.25, 1, 0, 2, -3];
      const grads = [
        [1e-7, -3e-8, 0.5, 0, 2, -1e-6],
        [2e-7, 1e-8, -0.25, 1e-9, 1, 4e-6],
        [-1e-7, 5e-8, 0.125, 0, -3, 1e-6],
      ];
      const lr = 0.01;
      const param = tf.variable(tf.tensor1d(start));
      const optimizer = makeOptimizer(opt, lr);
      for (const g of grads) tf.tidy(() => optimizer.applyGradients([{ name: param.name, tensor: tf.tensor1d(g) }]));
      const app = Array.from(param.dataSync());
      optimizer.dispose();
      param.dispose();
      const py = withScript(
        [
          'p = torch.nn.Parameter(torch.tensor(data["start"], dtype=torch.float32))',
          'o = m.make_optimizer(data["opt"], [p], data["lr"])',
          'for g in data["grads"]:',
          '    p.grad = torch.tensor(g, dtype=torch.float32)',
          '    o.step()',
          'print(json.dumps(p.detach().tolist()))',
        ].join('\n'),
        { start, grads, lr, opt },
      ) as number[];
      app.forEach((v, i) => expect(py[i]).toBeCloseTo(v, 5));
    });
  }

  it("encodes like the app from the same weights: same layers, same log σ² clamp (values far outside ±10 included)", async () => {
    const arch = { inputSize: PIXELS, hidden: [...DEFAULT_CONFIG.hidden], latent: DEFAULT_CONFIG.latent, act: DEFAULT_CONFIG.act };
    const vae = new Vae(arch, 3);
    // Scale the head so raw log σ² lands far outside the range, where the clamp decides the value.
    const head = vae.encoder[vae.encoder.length - 1];
    tf.tidy(() => head.weights.assign(tf.mul(head.weights, 400)));
    const layers = await vae.snapshot('all');
    const x = tf.randomUniform([4, PIXELS], 0, 1, 'float32', 9) as tf.Tensor2D;
    const { mu, logVar } = vae.encode(x);
    const app = { mu: Array.from(await mu.data()), logVar: Array.from(await logVar.data()) };
    const py = withScript(
      [
        'model = m.VAE()',
        'linears = [l for l in model.modules() if isinstance(l, torch.nn.Linear)]',
        'with torch.no_grad():',
        '    for l, s in zip(linears, data["layers"]):',
        '        l.weight.copy_(torch.tensor(s["weights"]).reshape(s["inputs"], s["outputs"]).t())',
        '        l.bias.copy_(torch.tensor(s["bias"]))',
        '    mu, log_var = model.encode(torch.tensor(data["x"]).reshape(-1, m.PIXELS))',
        'print(json.dumps({"mu": mu.flatten().tolist(), "logVar": log_var.flatten().tolist()}))',
      ].join('\n'),
      { layers: layers.map((l) => ({ ...l, weights: Array.from(l.weights), bias: Array.from(l.bias) })), x: Array.from(await x.data()) },
    ) as { mu: number[]; logVar: number[] };
    expect(app.logVar.some((v) => Math.abs(v) > 9)).toBe(true);
    app.mu.forEach((v, i) => expect(Math.abs(py.mu[i] - v)).toBeLessThan(1e-3 * Math.max(1, Math.abs(v))));
    app.logVar.forEach((v, i) => expect(Math.abs(py.logVar[i] - v)).toBeLessThan(1e-3));
    tf.dispose([x, mu, logVar]);
    vae.dispose();
  });

  it('starts from the same weight and bias distribution as the app (range and spread per layer)', async () => {
    const arch = { inputSize: PIXELS, hidden: [...DEFAULT_CONFIG.hidden], latent: DEFAULT_CONFIG.latent, act: DEFAULT_CONFIG.act };
    const vae = new Vae(arch, 5);
    const stats = (a: Float32Array | number[]) => {
      const values = Array.from(a);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      return { max: values.reduce((m, v) => Math.max(m, Math.abs(v)), 0), sd: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length) };
    };
    const app = (await vae.snapshot('all')).map((l) => ({ w: stats(l.weights), b: stats(l.bias), outputs: l.outputs }));
    vae.dispose();
    const py = withScript(
      [
        'torch.manual_seed(0)',
        'def st(t):',
        '    return {"max": t.abs().max().item(), "sd": t.std(unbiased=False).item()}',
        'print(json.dumps([{"w": st(l.weight), "b": st(l.bias)} for l in m.VAE().modules() if isinstance(l, torch.nn.Linear)]))',
      ].join('\n'),
    ) as { w: { max: number; sd: number }; b: { max: number; sd: number } }[];
    expect(py).toHaveLength(app.length);
    app.forEach((layer, i) => {
      // Uniform on ±limit: the max sits just under the limit and sd = limit/√3; both must agree within sampling noise.
      expect(py[i].w.max).toBeCloseTo(layer.w.max, 2);
      expect(Math.abs(py[i].w.sd / layer.w.sd - 1)).toBeLessThan(0.1);
      if (layer.b.max === 0) expect(py[i].b.max).toBe(0);
      else if (layer.outputs >= 256) expect(Math.abs(py[i].b.sd / layer.b.sd - 1)).toBeLessThan(0.15);
      else expect(py[i].b.max).toBeGreaterThan(0);
    });
  });
});
