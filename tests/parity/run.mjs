// Quality parity: trains the app's own Trainer (tfjs in Node, wasm backend by
// default) and/or the exported PyTorch script, both on the app's digits and
// fixed split with the default configuration, and prints test −ELBO per epoch
// as JSON lines, then a summary line.
//
//   node tests/parity/run.mjs [--side app|torch|both] [--seeds 42,1,2] [--epochs 5]
//                             [--backend wasm|cpu] [--threads 1] [--set clamp=hard,init=glorot,eps=1e-7]
//                             [--same-init]
//
// --set overrides src/lib/model/training-choices.ts for this run only (both
// sides read it), to measure one lever at a time: clamp=hard|soft,
// init=glorot|torch, eps=<Adam ε>. --same-init starts PyTorch from the app's
// initial weights for each seed (tests/parity/same_init.py), so the two differ
// only in their noise draws (z samples). PyTorch runs in $PYTHON, else the first of
// python3 and /usr/bin/python3 that can import torch.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { rolldown } from 'rolldown';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function parseArgs(argv) {
  const o = { side: 'both', seeds: [42], epochs: 5, backend: 'wasm', threads: 1, set: {}, sameInit: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--side') o.side = next();
    else if (arg === '--seeds') o.seeds = next().split(',').map(Number);
    else if (arg === '--epochs') o.epochs = Number(next());
    else if (arg === '--backend') o.backend = next();
    else if (arg === '--threads') o.threads = Number(next());
    else if (arg === '--same-init') o.sameInit = true;
    else if (arg === '--set') o.set = Object.fromEntries(next().split(',').map((kv) => kv.split('=')));
    else throw new Error(`unknown option ${arg}`);
  }
  if (!['app', 'torch', 'both'].includes(o.side)) throw new Error('--side must be app, torch or both');
  if (!o.seeds.every(Number.isInteger)) throw new Error('--seeds must be whole numbers, comma-separated');
  if (!(Number.isInteger(o.epochs) && o.epochs >= 1)) throw new Error('--epochs must be a whole number ≥ 1');
  return o;
}

const CHOICES = join(root, 'src/lib/model/training-choices.ts');
const SETTERS = {
  clamp: (src, v) => swap(src, /(LOG_VAR_CLAMP: 'hard' \| 'soft' = )'\w+'/, `$1'${oneOf(v, ['hard', 'soft'])}'`),
  init: (src, v) => swap(src, /(INIT: 'glorot' \| 'torch' = )'\w+'/, `$1'${oneOf(v, ['glorot', 'torch'])}'`),
  eps: (src, v) => swap(src, /(ADAM_EPSILON = )[\d.e-]+/, `$1${Number(v)}`),
};

function oneOf(value, allowed) {
  if (!allowed.includes(value)) throw new Error(`${value} is not one of ${allowed.join(', ')}`);
  return value;
}

function swap(src, pattern, replacement) {
  if (!pattern.test(src)) throw new Error(`training-choices.ts no longer matches ${pattern}; update tests/parity/run.mjs`);
  return src.replace(pattern, replacement);
}

/** A rolldown plugin that serves training-choices.ts with the --set overrides applied. */
function overrideChoices(set) {
  return {
    name: 'override-training-choices',
    load(id) {
      if (id !== CHOICES) return null;
      let src = readFileSync(CHOICES, 'utf8');
      for (const [key, value] of Object.entries(set)) {
        if (!SETTERS[key]) throw new Error(`--set: unknown lever ${key} (clamp, init, eps)`);
        src = SETTERS[key](src, value);
      }
      return src;
    },
  };
}

function findPython() {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  const found = candidates.find((py) => spawnSync(py, ['-c', 'import torch']).status === 0);
  if (!found) throw new Error(`no Python with torch among ${candidates.join(', ')} (apt-get install python3-torch)`);
  return found;
}

/** Bundles a TypeScript entry (tfjs included, so there is one engine) into CommonJS and loads it. */
async function loadModule(entry, set) {
  const out = join(root, 'test-results/parity', `${basename(entry, '.ts')}.cjs`);
  const bundle = await rolldown({ input: join(root, entry), platform: 'node', logLevel: 'silent', plugins: [overrideChoices(set)] });
  await bundle.write({ file: out, format: 'cjs' });
  await bundle.close();
  return createRequire(import.meta.url)(out);
}

const options = parseArgs(process.argv.slice(2));
const results = [];
const log = (line) => {
  console.log(line);
  results.push(JSON.parse(line));
};

if (options.side !== 'torch') {
  const mod = await loadModule('tests/parity/app-train.ts', options.set);
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  for (const seed of options.seeds) await mod.trainApp({ seed, epochs: options.epochs, backend: options.backend, wasmDir, log });
}

if (options.side !== 'app') {
  const mod = await loadModule('tests/parity/torch-prep.ts', options.set);
  const dir = join(root, 'test-results/parity');
  mkdirSync(dir, { recursive: true });
  const { script, dataFile } = mod.prepare(dir);
  const python = findPython();
  const app = options.sameInit ? await loadModule('tests/parity/app-train.ts', options.set) : null;
  for (const seed of options.seeds) {
    const weights = join(dir, `init-${seed}-${process.pid}.bin`);
    if (app) await app.writeInitialWeights(seed, weights);
    const prefix = app ? [join(root, 'tests/parity/same_init.py'), weights] : [];
    const run = spawnSync(python, [...prefix, script, '--packed-mnist', dataFile, '--epochs', String(options.epochs), '--seed', String(seed), '--out', join(dir, `torch-${seed}.pt`)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: String(options.threads) },
    });
    if (app) rmSync(weights);
    if (run.status !== 0) throw new Error(`python failed:\n${run.stderr}`);
    for (const line of run.stdout.split('\n')) {
      const m = line.match(/^epoch (\d+) step (\d+): .*test recon ([\d.]+)\s+KL ([\d.]+)\s+-ELBO ([\d.]+)/);
      if (m) log(JSON.stringify({ side: app ? 'torch-app-init' : 'torch', seed, epoch: Number(m[1]), step: Number(m[2]), recon: Number(m[3]), kl: Number(m[4]), nelbo: Number(m[5]) }));
    }
  }
  rmSync(script);
}

const finals = results.filter((r) => r.epoch === options.epochs);
console.log(JSON.stringify({ set: options.set, summary: finals.map(({ side, seed, nelbo }) => ({ side, seed, nelbo: Number(nelbo.toFixed(2)) })) }));
