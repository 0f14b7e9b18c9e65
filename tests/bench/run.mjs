// npm run bench — measures the app against a stock tfjs loop in Debian's
// headless Chromium and prints one JSON object per line, the last one a
// summary with every figure (also written to bench-results.json).
//
//   --config "<query>"   playground settings (default: the default config)
//   --backend B          auto | webgl | wasm | cpu (default auto)
//   --steps N            training steps the tensor-growth check spans (default 2000)
//   --epochs K           also train K epochs in the app and the baseline, then evaluate on the test split
//   --baseline-backend B default | webgl | wasm | cpu: the stock loop's backend (default: tfjs's own choice)
//   --quick              short windows, one round: a smoke run under a minute
//   --no-build           reuse dist/ as it is
//   --smoke-report F     write {ok, missing} about the printed keys to F (for CI)
import { execSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { launchChromium } from './browser.mjs';
import { initialJsGzipKb } from './bundle-size.mjs';
import { openApp, pauseApp, measureAppThroughput, measureDecodeLatency, countLongTasks, measureTensorGrowth, trainAppEpochs, measureLatentRefresh } from './app-probe.mjs';
import { openBaseline, measureBaselineThroughput, trainBaselineEpochs } from './baseline-probe.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function parseArgs(argv) {
  const options = { config: '', backend: 'auto', baselineBackend: 'default', steps: undefined, epochs: 0, quick: false, build: true, smokeReport: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--config') options.config = next().replace(/^\?/, '');
    else if (arg === '--backend') options.backend = next();
    else if (arg === '--steps') options.steps = Number(next());
    else if (arg === '--baseline-backend') options.baselineBackend = next();
    else if (arg === '--epochs') options.epochs = Number(next());
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--smoke-report') options.smokeReport = next();
    else throw new Error(`unknown option ${arg}`);
  }
  if (!['auto', 'webgl', 'webgpu', 'wasm', 'cpu'].includes(options.backend)) throw new Error(`--backend must be auto, webgl, webgpu, wasm or cpu`);
  if (!['default', 'webgl', 'wasm', 'cpu'].includes(options.baselineBackend)) throw new Error(`--baseline-backend must be default, webgl, wasm or cpu`);
  if (options.steps !== undefined && !(Number.isInteger(options.steps) && options.steps > 0)) throw new Error('--steps must be a positive integer');
  if (!(Number.isInteger(options.epochs) && options.epochs >= 0)) throw new Error('--epochs must be a whole number');
  options.steps ??= options.quick ? 60 : 2000;
  return options;
}

const KEYS = [
  'samples_per_s', 'baseline_samples_per_s', 'speedup', 'backend', 'baseline_backend', 'cold_start_ms',
  'decode_p50_ms', 'decode_p95_ms', 'long_tasks', 'initial_js_gzip_kb', 'tensor_growth',
];
const EPOCH_KEYS = ['test_recon', 'test_kl', 'test_neg_elbo', 'baseline_test_neg_elbo'];

function emit(object) {
  console.log(JSON.stringify(object));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const windows = options.quick
    ? { throughputMs: 3000, longTaskMs: 4000, decodeMoves: 30, rounds: 1 }
    : { throughputMs: 10000, longTaskMs: 30000, decodeMoves: 200, rounds: 2 };

  if (options.build) execSync('npx vite build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const summary = { config: options.config, requested_backend: options.backend, quick: options.quick };
  summary.initial_js_gzip_kb = initialJsGzipKb(resolve(root, 'dist'));
  emit({ phase: 'bundle', initial_js_gzip_kb: summary.initial_js_gzip_kb });

  const server = await startServer({ root });
  const browser = await launchChromium(root);
  try {
    const query = [options.config, `backend=${options.backend}`].filter(Boolean).join('&');
    const app = await openApp(browser, `${server.url}?${query}`);
    summary.backend = app.backend;
    summary.cold_start_ms = Math.round(app.coldStartMs);
    emit({ phase: 'cold-start', backend: app.backend, cold_start_ms: summary.cold_start_ms, backend_notes: app.notes });

    // Long tasks, decode latency and tensor growth are all measured while training runs.
    const longTasks = countLongTasks(app.page, windows.longTaskMs);
    const decode = await measureDecodeLatency(app.page, windows.decodeMoves);
    summary.decode_p50_ms = decode.p50;
    summary.decode_p95_ms = decode.p95;
    emit({ phase: 'decode', decode_p50_ms: decode.p50, decode_p95_ms: decode.p95, samples: decode.count });
    summary.long_tasks = await longTasks;
    summary.long_tasks_window_s = windows.longTaskMs / 1000;
    emit({ phase: 'long-tasks', long_tasks: summary.long_tasks, window_s: summary.long_tasks_window_s });
    const growth = await measureTensorGrowth(app.page, options.steps);
    summary.tensor_growth = growth.growth;
    summary.tensor_growth_steps = growth.steps;
    emit({ phase: 'tensor-growth', tensor_growth: growth.growth, steps: growth.steps, from: growth.from, to: growth.to });

    await pauseApp(app.page);
    // The live latent views (2-D latents only: the posterior grid needs one).
    if (!/(^|&)latent=(?!2(&|$))/.test(options.config)) {
      const latent = await measureLatentRefresh(browser, `${server.url}?${query}&probe=1234`, windows.longTaskMs);
      Object.assign(summary, latent);
      emit({ phase: 'latent-refresh', ...latent, window_s: windows.longTaskMs / 1000 });
    }

    // Throughput: app and baseline take turns (never both at once), medians of the rounds.
    await pauseApp(app.page);
    const baseline = await openBaseline(browser, `${server.url}bench/index.html`, options.config, options.baselineBackend);
    summary.baseline_backend = baseline.backend;
    const appRates = [];
    const baseRates = [];
    for (let round = 0; round < windows.rounds; round++) {
      appRates.push(await measureAppThroughput(app.page, windows.throughputMs));
      baseRates.push(await measureBaselineThroughput(baseline.page, windows.throughputMs));
      emit({ phase: 'throughput', round: round + 1, samples_per_s: round2(appRates.at(-1)), baseline_samples_per_s: round2(baseRates.at(-1)) });
    }
    summary.samples_per_s = round2(median(appRates));
    summary.baseline_samples_per_s = round2(median(baseRates));
    summary.speedup = round2(summary.samples_per_s / summary.baseline_samples_per_s);
    await app.page.close();

    if (options.epochs > 0) {
      const trained = await trainAppEpochs(browser, `${server.url}?${query}`, options.epochs);
      Object.assign(summary, { test_recon: trained.recon, test_kl: trained.kl, test_neg_elbo: trained.negElbo, epochs: options.epochs });
      emit({ phase: 'app-epochs', epochs: options.epochs, ...trained });
      const base = await trainBaselineEpochs(baseline.page, options.epochs, options.config, options.baselineBackend);
      summary.baseline_test_recon = base.recon;
      summary.baseline_test_kl = base.kl;
      summary.baseline_test_neg_elbo = base.negElbo;
      summary.neg_elbo_gap_pct = round2((100 * (trained.negElbo - base.negElbo)) / base.negElbo);
      emit({ phase: 'baseline-epochs', epochs: options.epochs, ...base });
    }
    await baseline.page.close();
  } finally {
    await browser.close();
    await server.close();
  }

  summary.summary = true;
  emit(summary);
  writeFileSync(resolve(root, 'bench-results.json'), JSON.stringify(summary, null, 2));
  if (options.smokeReport) {
    const wanted = options.epochs > 0 ? [...KEYS, ...EPOCH_KEYS] : KEYS;
    const missing = wanted.filter((k) => summary[k] === undefined || summary[k] === null || Number.isNaN(summary[k]));
    mkdirSync(dirname(resolve(root, options.smokeReport)), { recursive: true });
    writeFileSync(resolve(root, options.smokeReport), JSON.stringify({ ok: missing.length === 0, missing }));
    if (missing.length) {
      console.error(`bench smoke: missing keys ${missing.join(', ')}`);
      process.exitCode = 1;
    }
  }
}

function round2(x) {
  return Math.round(x * 100) / 100;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
