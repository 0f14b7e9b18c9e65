// node tests/bench/threads.mjs — chooses the wasm thread count by measurement:
// the app on wasm with each count in turn (alternating, so a busy spell of the
// machine hits both), its training throughput and its drag-decode latency while
// training. Prints a JSON line per run and a summary with the medians.
//
//   --counts 1,2     thread counts to compare (default 1,2)
//   --reps N         rounds over the counts (default 3)
//   --config "<q>"   playground settings (default config)
//   --no-build       reuse dist/ as it is
import { execSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { launchChromium } from './browser.mjs';
import { openApp, measureAppThroughput, measureDecodeLatency } from './app-probe.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function parseArgs(argv) {
  const options = { counts: [1, 2], reps: 3, config: '', build: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--counts') options.counts = next().split(',').map(Number);
    else if (arg === '--reps') options.reps = Number(next());
    else if (arg === '--config') options.config = next().replace(/^\?/, '');
    else if (arg === '--no-build') options.build = false;
    else throw new Error(`unknown option ${arg}`);
  }
  if (!options.counts.every((n) => Number.isInteger(n) && n >= 1 && n <= 8)) throw new Error('--counts takes whole numbers 1–8');
  if (!(Number.isInteger(options.reps) && options.reps > 0)) throw new Error('--reps must be a positive integer');
  return options;
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.build) execSync('npx vite build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await startServer({ root });
  const browser = await launchChromium(root);
  const runs = [];
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      // Alternate the order each round.
      const order = rep % 2 ? [...options.counts].reverse() : options.counts;
      for (const threads of order) {
        const query = [options.config, 'backend=wasm'].filter(Boolean).join('&');
        const app = await openApp(browser, `${server.url}?${query}`, { threads });
        const decode = await measureDecodeLatency(app.page, 150);
        const samplesPerS = await measureAppThroughput(app.page, 8000);
        await app.page.context().close();
        const run = { threads, wasm_threads: app.wasmThreads, samples_per_s: Math.round(samplesPerS), decode_p50_ms: decode.p50, decode_p95_ms: decode.p95, cold_start_ms: Math.round(app.coldStartMs) };
        runs.push(run);
        console.log(JSON.stringify(run));
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const summary = options.counts.map((threads) => {
    const mine = runs.filter((r) => r.threads === threads);
    return {
      threads,
      samples_per_s: median(mine.map((r) => r.samples_per_s)),
      decode_p50_ms: median(mine.map((r) => r.decode_p50_ms)),
      decode_p95_ms: median(mine.map((r) => r.decode_p95_ms)),
      runs: mine.length,
    };
  });
  console.log(JSON.stringify({ summary }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
