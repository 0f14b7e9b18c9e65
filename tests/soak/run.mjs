// npm run soak — trains a small model for many steps in the production page
// (dist/, in Debian's headless Chromium) and checks that nothing grows: the
// worker's live tensor count must stay exactly constant after warm-up and the
// page's JS heap must stay flat. Prints JSON lines, the last one a summary
// (also written to soak-results.json); exits non-zero on any growth.
//
//   --steps N          training steps (default 10000)
//   --config "<query>" playground settings (default: a small model, see SMALL_CONFIG)
//   --samples K        heap samples across the run (default 40)
//   --no-build         reuse dist/ as it is
//   --report F         also write {ok, failures} to F (for CI)
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../bench/server.mjs';
import { launchChromium } from '../bench/browser.mjs';
import { openApp, pauseApp } from '../bench/app-probe.mjs';
import { MARK_QUEUE, drainMarks, openHeapProbe } from './probe.mjs';
import { judge, warmupEnd } from './verdict.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One hidden layer of 64, batch 64, two latent dimensions: ~10,000 steps in a few minutes on two cores. */
const SMALL_CONFIG = 'hidden=64&latent=2&batch=64&backend=wasm';
const POLL_MS = 250;

function parseArgs(argv) {
  const options = { steps: 10000, config: SMALL_CONFIG, samples: 40, build: true, report: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--steps') options.steps = Number(next());
    else if (arg === '--config') options.config = next().replace(/^\?/, '');
    else if (arg === '--samples') options.samples = Number(next());
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--report') options.report = next();
    else throw new Error(`unknown option ${arg}`);
  }
  if (!(Number.isInteger(options.steps) && options.steps >= 100)) throw new Error('--steps must be a whole number of at least 100');
  if (!(Number.isInteger(options.samples) && options.samples >= 8)) throw new Error('--samples must be a whole number of at least 8');
  return options;
}

function emit(object) {
  console.log(JSON.stringify(object));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Trains until `steps`, draining the marks every poll and taking a heap reading
 * (after a forced GC) each time the step count passes the next multiple of
 * `every`; a heap snapshot once warm-up ends and another at the end.
 */
async function soak(page, heap, steps, every) {
  const tensors = [];
  const evals = [];
  const heapSamples = [];
  const snapshots = { first: null, last: null };
  let step = 0;
  let nextSample = 0;
  const started = Date.now();
  let startStep = null;
  let warmup = null;
  while (step < steps) {
    await sleep(POLL_MS);
    const marks = await drainMarks(page);
    for (const [s, n] of marks.tensors) tensors.push({ step: s, numTensors: n });
    for (const [epoch, s] of marks.evals) evals.push({ epoch, step: s });
    if (marks.tensors.length) step = marks.tensors.at(-1)[0];
    startStep ??= tensors[0]?.step ?? null;
    warmup = warmupEnd(steps, evals);
    const snapshotNow = (!snapshots.first && warmup !== null && step >= warmup) || step >= steps;
    if (snapshotNow) {
      snapshots[snapshots.first ? 'last' : 'first'] = { step, ...(await heap.snapshotBytes()) };
      emit({ phase: 'snapshot', step, ...snapshots[snapshots.last ? 'last' : 'first'] });
    }
    if (snapshotNow || step >= nextSample) {
      const bytes = await heap.sample();
      heapSamples.push({ step, seconds: (Date.now() - started) / 1000, ...bytes });
      emit({ phase: 'sample', step, heap_js: bytes.js, heap_embedder: bytes.embedder, num_tensors: tensors.at(-1)?.numTensors ?? null });
      nextSample = (Math.floor(step / every) + 1) * every;
    }
  }
  const seconds = (Date.now() - started) / 1000;
  return { tensors, warmup, heapSamples, snapshots, seconds, startStep };
}

function writeReport(path, ok, failures) {
  if (!path) return;
  mkdirSync(dirname(resolve(root, path)), { recursive: true });
  writeFileSync(resolve(root, path), JSON.stringify({ ok, failures }));
}

async function main(options) {
  // Until the run finishes, the report says it did not: a crash must not leave an old pass behind.
  writeReport(options.report, false, ['the soak did not finish']);
  if (options.build) execSync('npx vite build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await startServer({ root });
  const browser = await launchChromium(root);
  let run;
  let app;
  try {
    app = await openApp(browser, `${server.url}?${options.config}`, { longTasks: false, initScript: MARK_QUEUE });
    emit({ phase: 'started', config: options.config, backend: app.backend, steps: options.steps });
    const heap = await openHeapProbe(app.page);
    run = await soak(app.page, heap, options.steps, Math.max(1, Math.round(options.steps / options.samples)));
    await pauseApp(app.page);
    await heap.detach();
  } finally {
    await browser.close();
    await server.close();
  }
  const batch = Number(new URLSearchParams(options.config).get('batch') ?? 128);
  const lastStep = run.tensors.at(-1)?.step ?? 0;
  const verdict = judge({ warmup: run.warmup, tensors: run.tensors, heap: run.heapSamples, snapshots: run.snapshots });
  const summary = {
    summary: true,
    ok: verdict.failures.length === 0,
    failures: verdict.failures,
    config: options.config,
    backend: app.backend,
    steps: lastStep,
    duration_s: Math.round(run.seconds * 10) / 10,
    samples_per_s: Math.round(((lastStep - (run.startStep ?? 0)) * batch) / run.seconds),
    ...verdict.figures,
  };
  emit(summary);
  writeFileSync(resolve(root, 'soak-results.json'), JSON.stringify({ ...summary, snapshots: run.snapshots, heap_samples: run.heapSamples }, null, 2));
  writeReport(options.report, summary.ok, summary.failures);
  if (!summary.ok) {
    console.error(`soak: ${summary.failures.join('; ')}`);
    process.exitCode = 1;
  }
}

const options = parseArgs(process.argv.slice(2));
main(options).catch((error) => {
  console.error(error);
  writeReport(options.report, false, [`the soak crashed: ${error.message}`]);
  process.exit(1);
});
