// npm run bench:scale — how the app, the stock tfjs loop and the GEMM ceiling scale
// with the model and the batch: three models × batch 32, 128, 512, on wasm and webgl,
// in Debian's headless Chromium. Prints one JSON line per cell, then a Markdown table.
//
//   --quick          short windows (about 2 s a side per cell)
//   --no-build       reuse dist/ as it is
//   --backends L     comma list of wasm, webgl (default both)
import { execSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { launchChromium } from './browser.mjs';
import { buildShared } from './shared-build.mjs';
import { openApp, measureAppThroughput } from './app-probe.mjs';
import { openBaseline, measureBaselineThroughput } from './baseline-probe.mjs';
import { measureCeiling, modelLayers, openCeiling } from './ceiling-probe.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const MODELS = [
  { name: '256 – 2', query: 'hidden=256&latent=2' },
  { name: '512,256 – 2', query: 'hidden=512,256&latent=2' },
  { name: '1024,512 – 16', query: 'hidden=1024,512&latent=16' },
];
const BATCHES = [32, 128, 512];

function parseArgs(argv) {
  const options = { quick: false, build: true, backends: ['wasm', 'webgl'] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--backends') {
      if (i + 1 >= argv.length) throw new Error('--backends needs a value');
      options.backends = argv[++i].split(',');
      const bad = options.backends.filter((b) => !['wasm', 'webgl'].includes(b));
      if (bad.length || options.backends.length === 0) throw new Error('--backends takes wasm and/or webgl, comma-separated');
    } else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

const round = (x) => (x === null ? null : Math.round(x));

/**
 * A rate, or null (and a line saying why) when a side could not finish enough
 * steps even in a window four times as long (large models on a software GPU).
 */
async function attempt(what, windowMs, measure) {
  for (const window of [windowMs, 4 * windowMs]) {
    try {
      return await measure(window);
    } catch (error) {
      console.error(`${what} (${window / 1000} s window): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return null;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const windowMs = options.quick ? 2000 : 8000;
  const shared = await buildShared(root);
  if (options.build) execSync('npx vite build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await startServer({ root, sharedDir: shared.dir });
  const browser = await launchChromium(root);
  const rows = [];
  const errors = [];
  try {
    for (const backend of options.backends) {
      for (const model of MODELS) {
        for (const batch of BATCHES) {
          const bench = shared.shared.benchConfig(`${model.query}&batch=${batch}`);
          if (!bench.ok) throw new Error(bench.reason);
          const cell = { backend, model: model.name, batch };
          const app = await openApp(browser, `${server.url}?${bench.query}&backend=${backend}`, { longTasks: false, errors });
          if (app.backend !== backend) throw new Error(`asked for ${backend}, the app runs on ${app.backend} (${app.notes})`);
          cell.app = round(await attempt(`app ${backend} ${model.name} ×${batch}`, windowMs, (w) => measureAppThroughput(app.page, w)));
          cell.wasm_threads = app.wasmThreads;
          await app.page.context().close();

          const baseline = await openBaseline(browser, `${server.url}bench/index.html`, bench.baseline, backend, errors);
          cell.stock = round(await attempt(`stock ${backend} ${model.name} ×${batch}`, windowMs, (w) => measureBaselineThroughput(baseline.page, w)));
          await baseline.page.context().close();

          const ceiling = await openCeiling(browser, `${server.url}bench/ceiling.html`, { backend, threads: app.wasmThreads, errors });
          const measured = await measureCeiling(ceiling.page, modelLayers(shared.shared, bench.config), batch, windowMs);
          cell.ceiling = round(measured.samplesPerSecond);
          await ceiling.page.context().close();
          rows.push(cell);
          console.log(JSON.stringify(cell));
        }
      }
    }
  } finally {
    await browser.close();
    await server.close();
    shared.cleanup();
  }
  if (errors.length) console.error(`page errors: ${errors.join(' | ')}`);
  console.log(table(rows));
}

/** Markdown: one row per backend and model, app / stock / ceiling samples/s for each batch. */
function table(rows) {
  const fmt = (x) => (x === null || x === undefined ? '—' : x.toLocaleString('en-US'));
  const lines = [
    `| backend | model (hidden – latent) | ${BATCHES.map((b) => `batch ${b}: app / stock / ceiling`).join(' | ')} |`,
    `| --- | --- | ${BATCHES.map(() => '---').join(' | ')} |`,
  ];
  const keys = [...new Set(rows.map((r) => `${r.backend}|${r.model}`))];
  for (const key of keys) {
    const [backend, model] = key.split('|');
    const cells = BATCHES.map((batch) => {
      const r = rows.find((x) => x.backend === backend && x.model === model && x.batch === batch);
      return r ? `${fmt(r.app)} / ${fmt(r.stock)} / ${fmt(r.ceiling)}` : '—';
    });
    const threads = rows.find((x) => x.backend === backend)?.wasm_threads;
    lines.push(`| ${backend}${backend === 'wasm' && threads ? ` (${threads} thread${threads === 1 ? '' : 's'})` : ''} | ${model} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
