// npm run bench — measures the app against a stock tfjs loop in Debian's
// headless Chromium and prints one JSON object per line, the last one a
// summary with every figure (also written to bench-results.json).
//
//   --config "<query>"   playground settings, read with the app's own link codec (default: the default
//                        config); the stock baseline trains the same model, and a config it cannot
//                        reproduce (or one the page would correct) is refused, naming the key
//   --backend B          auto | webgl | wasm | cpu (default auto)
//   --threads N          wasm threads for the app, 1–8 (default: the app's own choice)
//   --steps N            training steps the tensor-growth check spans (default 2000)
//   --epochs K           also train K epochs in the app and the baseline, then evaluate on the test split
//   --baseline-backend B default | webgl | wasm | cpu: the stock loop's backend (default: tfjs's own choice)
//   --quick              short windows, one round: a smoke run under a minute
//   --no-build           reuse dist/ as it is
//   --smoke-report F     write {ok, missing, tensor_growth, page_errors} to F and exit non-zero unless
//                        every key is there, the tensor count did not grow and no page threw (for CI)
import { execSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { launchChromium } from './browser.mjs';
import { buildShared } from './shared-build.mjs';
import { fetchedJsGzip, initialJsGzipKb } from './bundle-size.mjs';
import { openApp, pauseApp, measureAppThroughput, measureDecodeLatency, countLongTasks, measureTensorGrowth, trainAppEpochs, measureLatentRefresh, appProgramsPerStep } from './app-probe.mjs';
import { openBaseline, measureBaselineThroughput, trainBaselineEpochs, baselineProgramsPerStep } from './baseline-probe.mjs';
import { measureCeiling, modelLayers, openCeiling } from './ceiling-probe.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function parseArgs(argv) {
  const options = { config: '', backend: 'auto', baselineBackend: 'default', threads: undefined, steps: undefined, epochs: 0, quick: false, build: true, smokeReport: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--config') options.config = next().replace(/^\?/, '');
    else if (arg === '--backend') options.backend = next();
    else if (arg === '--threads') options.threads = Number(next());
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
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1 && options.threads <= 8)) throw new Error('--threads must be a whole number 1–8');
  if (options.steps !== undefined && !(Number.isInteger(options.steps) && options.steps > 0)) throw new Error('--steps must be a positive integer');
  if (!(Number.isInteger(options.epochs) && options.epochs >= 0)) throw new Error('--epochs must be a whole number');
  options.steps ??= options.quick ? 60 : 2000;
  return options;
}

const KEYS = [
  'samples_per_s', 'baseline_samples_per_s', 'speedup', 'backend', 'baseline_backend', 'cold_start_ms',
  'decode_p50_ms', 'decode_p95_ms', 'long_tasks', 'initial_js_gzip_kb', 'first_step_js_gzip_kb', 'tensor_growth',
  'ceiling_samples_per_s', 'ceiling_ratio',
];
const EPOCH_KEYS = ['test_recon', 'test_kl', 'test_neg_elbo', 'baseline_test_neg_elbo'];
const GPU_BACKENDS = ['webgl', 'webgpu'];

/** The keys a run must print: the kernel counts where a side runs on the GPU, the thread count on wasm. */
function requiredKeys(summary, epochs) {
  const keys = summary.point_data ? KEYS.filter((k) => !k.startsWith('decode_')) : [...KEYS];
  if (GPU_BACKENDS.includes(summary.backend)) keys.push('kernels_per_step');
  if (GPU_BACKENDS.includes(summary.baseline_backend)) keys.push('baseline_kernels_per_step');
  if (summary.backend === 'wasm') keys.push('wasm_threads');
  return epochs > 0 ? [...keys, ...EPOCH_KEYS] : keys;
}

function emit(object) {
  console.log(JSON.stringify(object));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(options, summary, pageErrors) {
  const windows = options.quick
    ? { throughputMs: 3000, longTaskMs: 4000, decodeMoves: 30, rounds: 1, ceilingMs: 900 }
    : { throughputMs: 10000, longTaskMs: 30000, decodeMoves: 200, rounds: 2, ceilingMs: 3000 };

  const shared = await buildShared(root);
  try {
    const bench = shared.shared.benchConfig(options.config);
    if (!bench.ok) throw new RefusedConfig(bench.reason);
    const { config } = bench;
    const pointData = shared.shared.isPointSet(config.data);
    summary.point_data = pointData;

    if (options.build) execSync('npx vite build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    summary.initial_js_gzip_kb = initialJsGzipKb(resolve(root, 'dist'));
    emit({ phase: 'bundle', initial_js_gzip_kb: summary.initial_js_gzip_kb });

    const server = await startServer({ root, sharedDir: shared.dir });
    const browser = await launchChromium(root);
    try {
      const query = [options.config, `backend=${options.backend}`].filter(Boolean).join('&');
      const appOptions = { threads: options.threads, errors: pageErrors };
      const app = await openApp(browser, `${server.url}?${query}`, appOptions);
      summary.backend = app.backend;
      summary.cold_start_ms = Math.round(app.coldStartMs);
      summary.wasm_threads = app.wasmThreads;
      emit({ phase: 'cold-start', backend: app.backend, cold_start_ms: summary.cold_start_ms, wasm_threads: app.wasmThreads, backend_notes: app.notes });
      const fetched = fetchedJsGzip(resolve(root, 'dist'), app.beforeFirstStep);
      summary.first_step_js_gzip_kb = fetched.kb;
      emit({ phase: 'first-step-js', first_step_js_gzip_kb: fetched.kb, files: fetched.files });

      // Long tasks, decode latency and tensor growth are all measured while training runs.
      const longTasks = countLongTasks(app.page, windows.longTaskMs);
      // Awaited below; a failure before then must surface as that failure, not as an unhandled rejection.
      longTasks.catch(() => {});
      if (pointData) {
        // The pad's z is drawn as a marker on the data plot: there is no decoded image to time.
        summary.decode_p50_ms = summary.decode_p95_ms = null;
        emit({ phase: 'decode', skipped: '2-D point data: the pad draws a marker, no decoded image' });
      } else {
        const decode = await measureDecodeLatency(app.page, windows.decodeMoves);
        summary.decode_p50_ms = decode.p50;
        summary.decode_p95_ms = decode.p95;
        emit({ phase: 'decode', decode_p50_ms: decode.p50, decode_p95_ms: decode.p95, samples: decode.count });
      }
      summary.long_tasks = await longTasks;
      summary.long_tasks_window_s = windows.longTaskMs / 1000;
      emit({ phase: 'long-tasks', long_tasks: summary.long_tasks, window_s: summary.long_tasks_window_s });
      const growth = await measureTensorGrowth(app.page, options.steps);
      summary.tensor_growth = growth.growth;
      summary.tensor_growth_steps = growth.steps;
      emit({ phase: 'tensor-growth', tensor_growth: growth.growth, steps: growth.steps, from: growth.from, to: growth.to });
      summary.kernels_per_step = round2OrNull(await appProgramsPerStep(app.page));

      await pauseApp(app.page);
      // The live latent views (2-D latents of images only: the posterior grid needs one).
      if (config.latent === 2 && !pointData) {
        const latent = await measureLatentRefresh(browser, `${server.url}?${query}&probe=1234`, windows.longTaskMs, appOptions);
        Object.assign(summary, latent);
        emit({ phase: 'latent-refresh', ...latent, window_s: windows.longTaskMs / 1000 });
      }

      // Throughput: app and baseline take turns (never both at once), medians of the rounds.
      await pauseApp(app.page);
      const baseline = await openBaseline(browser, `${server.url}bench/index.html`, bench.baseline, options.baselineBackend, pageErrors);
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
      summary.kernels_per_step = round2OrNull(await appProgramsPerStep(app.page)) ?? summary.kernels_per_step;
      summary.baseline_kernels_per_step = round2OrNull(await baselineProgramsPerStep(baseline.page));
      emit({ phase: 'kernels', kernels_per_step: summary.kernels_per_step, baseline_kernels_per_step: summary.baseline_kernels_per_step });
      await app.page.close();

      // The ceiling: the same step's matrix products alone, same backend and threads, while nothing else runs.
      if (['webgl', 'wasm', 'cpu'].includes(app.backend)) {
        const ceiling = await openCeiling(browser, `${server.url}bench/ceiling.html`, { backend: app.backend, threads: app.wasmThreads, errors: pageErrors });
        const batch = bench.baseline.batch;
        const measured = await measureCeiling(ceiling.page, modelLayers(shared.shared, config), batch, windows.ceilingMs);
        await ceiling.page.close();
        summary.ceiling_samples_per_s = round2(measured.samplesPerSecond);
        summary.ceiling_ratio = round2(summary.samples_per_s / measured.samplesPerSecond);
        emit({ phase: 'ceiling', backend: ceiling.backend, wasm_threads: ceiling.threads, gemms: measured.gemms, gemm_step_ms: round2(measured.stepMs), ceiling_samples_per_s: summary.ceiling_samples_per_s, ceiling_ratio: summary.ceiling_ratio });
      } else {
        emit({ phase: 'ceiling', skipped: `no ceiling page for the backend ${app.backend}` });
      }

      if (options.epochs > 0) {
        const trained = await trainAppEpochs(browser, `${server.url}?${query}`, options.epochs, appOptions);
        Object.assign(summary, { test_recon: trained.recon, test_kl: trained.kl, test_neg_elbo: trained.negElbo, epochs: options.epochs });
        emit({ phase: 'app-epochs', epochs: options.epochs, ...trained });
        const base = await trainBaselineEpochs(baseline.page, options.epochs, bench.baseline, options.baselineBackend);
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
  } finally {
    shared.cleanup();
  }
}

class RefusedConfig extends Error {}

function round2(x) {
  return Math.round(x * 100) / 100;
}

function round2OrNull(x) {
  return x === null || x === undefined ? null : round2(x);
}

/** What the CI smoke checks: every key present, no tensor growth, no page error. */
function smokeVerdict(summary, epochs, pageErrors, failure) {
  const missing = requiredKeys(summary, epochs).filter((k) => summary[k] === undefined || summary[k] === null || Number.isNaN(summary[k]));
  const problems = [];
  if (failure) problems.push(`the bench failed: ${failure}`);
  if (missing.length) problems.push(`missing keys ${missing.join(', ')}`);
  if (summary.tensor_growth !== undefined && summary.tensor_growth !== 0) problems.push(`the worker's tensor count grew by ${summary.tensor_growth} over ${summary.tensor_growth_steps} steps`);
  if (pageErrors.length) problems.push(`${pageErrors.length} page error(s): ${pageErrors.join(' | ')}`);
  return { ok: problems.length === 0, missing, tensor_growth: summary.tensor_growth ?? null, page_errors: pageErrors, problems };
}

async function cli() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${error.message}`);
    process.exit(2);
  }
  const summary = { config: options.config, requested_backend: options.backend, requested_threads: options.threads ?? null, quick: options.quick };
  const pageErrors = [];
  let failure = null;
  try {
    await main(options, summary, pageErrors);
    summary.page_errors = pageErrors.length;
    summary.summary = true;
    emit(summary);
    writeFileSync(resolve(root, 'bench-results.json'), JSON.stringify(summary, null, 2));
  } catch (error) {
    if (error instanceof RefusedConfig) {
      console.error(`bench: ${error.message}`);
      process.exit(2);
    }
    failure = error instanceof Error ? error.message : String(error);
    console.error(error);
    process.exitCode = 1;
  }
  if (options.smokeReport) {
    const verdict = smokeVerdict(summary, options.epochs, pageErrors, failure);
    mkdirSync(dirname(resolve(root, options.smokeReport)), { recursive: true });
    writeFileSync(resolve(root, options.smokeReport), JSON.stringify(verdict, null, 2));
    if (!verdict.ok) {
      for (const problem of verdict.problems) console.error(`bench smoke FAILED: ${problem}`);
      process.exitCode = 1;
    } else {
      console.error('bench smoke passed: every key printed, no tensor growth, no page error');
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await cli();
