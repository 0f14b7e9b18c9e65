import { readFileSync } from 'node:fs';
import type { BrowserContext } from '@playwright/test';
import { test, expect, readNumber } from './fixtures';

/**
 * Which build of the wasm backend the training worker loads: one thread runs
 * the single-threaded SIMD build and never fetches the threaded glue; more
 * threads (on this cross-origin-isolated preview) fetch the threaded build.
 * The count is forced through the worker's name, as tests/bench does, so the
 * test does not depend on how many cores the machine has.
 */
const FORCE_THREADS = (threads: number) => {
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options?.name === 'vae-training' ? { ...options, name: `vae-training?threads=${threads}` } : options);
    }
  };
};

/** Paths of every file the page and its workers request (Playwright reports workers' requests on the context). */
function watchRequests(context: BrowserContext): string[] {
  const paths: string[] = [];
  context.on('request', (request) => paths.push(new URL(request.url()).pathname));
  return paths;
}

const THREADED_BINARY = /tfjs-backend-wasm-threaded-simd-[\w-]+\.wasm$/;
const SIMD_BINARY = /tfjs-backend-wasm-simd-[\w-]+\.wasm$/;
/** Whether a fetched script is the threaded Emscripten glue (read from the built file: a chunk of the same name holds only the binary's URL). */
const isThreadedGlue = (path: string) => path.endsWith('.js') && readFileSync(`dist${path}`, 'utf8').includes('GROWABLE_HEAP_I8');

for (const threads of [1, 2]) {
  test(`wasm on ${threads} thread${threads > 1 ? 's' : ''} loads the ${threads > 1 ? 'threaded' : 'single-threaded SIMD'} build and trains`, async ({ page, context, consoleErrors }) => {
    const paths = watchRequests(context);
    await page.addInitScript(FORCE_THREADS, threads);
    await page.goto('./?backend=wasm&hidden=64,32&batch=64');
    const play = page.getByTestId('play');
    await expect(play).toBeEnabled({ timeout: 90_000 });
    await play.click();
    await expect.poll(() => readNumber(page, 'step'), { timeout: 120_000 }).toBeGreaterThanOrEqual(5);
    await play.click();
    await expect(page.getByTestId('backend')).toHaveText('wasm');
    const reported = await page.evaluate(() => (performance.getEntriesByName('vae:backend').at(-1) as PerformanceMark | undefined)?.detail?.wasmThreads ?? null);
    expect(reported).toBe(threads);
    const loss = await readNumber(page, 'loss-total');
    expect(loss).toBeGreaterThan(0); // a number was drawn: not NaN, not the empty readout

    const binaries = paths.filter((p) => p.endsWith('.wasm'));
    const glue = paths.filter(isThreadedGlue);
    if (threads > 1) {
      expect(binaries.some((p) => THREADED_BINARY.test(p))).toBe(true);
      expect(glue.length).toBeGreaterThan(0);
    } else {
      expect(binaries.filter((p) => !SIMD_BINARY.test(p))).toEqual([]);
      expect(binaries.length).toBe(1);
      expect(glue).toEqual([]);
    }
    expect(consoleErrors).toEqual([]);
  });
}
