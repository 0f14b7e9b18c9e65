// Measurements of the app itself, read from the User Timing marks it leaves
// (src/lib/perf/marks.ts) and from a long-task observer installed before load.

const LONG_TASK_OBSERVER = () => {
  window.__benchLongTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__benchLongTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // Not supported: the count stays empty and the bench says so via the window length.
  }
};

async function ensureRunning(page, running) {
  const play = page.getByTestId('play');
  const isRunning = (await play.getAttribute('aria-pressed')) === 'true';
  if (isRunning !== running) await play.click();
  await page.waitForFunction((want) => document.querySelector('[data-testid="play"]')?.getAttribute('aria-pressed') === String(want), running);
}

/** Pauses the app (so it does not compete with the baseline for the CPU). */
export function pauseApp(page) {
  return ensureRunning(page, false);
}

function lastTensorMark(page) {
  return page.evaluate(() => {
    const marks = performance.getEntriesByName('vae:tensors');
    const m = marks[marks.length - 1];
    return m ? { time: m.startTime, step: m.detail.step, numTensors: m.detail.numTensors, programsPerStep: m.detail.programsPerStep ?? null } : null;
  });
}

/**
 * Bench only: the app's training worker is named `vae-training?threads=N`, the
 * knob src/lib/training/wasm-threads.ts reads to pick the wasm thread count.
 * (Not the worker's URL: its chunks import the entry by its plain URL, and a
 * second URL would start a second copy of the worker's code.)
 */
const WORKER_THREADS = (threads) => {
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options?.name === 'vae-training' ? { ...options, name: `vae-training?threads=${threads}` } : options);
    }
  };
};

/**
 * Opens the app, waits until it can train, presses play and waits for the first step.
 * `longTasks: false` leaves out the long-task log (it grows with time, which a heap soak must not see);
 * `initScript` runs in the page before the app does; `threads` sets the wasm thread count
 * (default: the app's own choice); page errors are pushed to `errors`.
 * Also returns every JavaScript and wasm file fetched (page and workers) before the first step.
 */
export async function openApp(browser, url, { longTasks = true, initScript, threads, errors = [] } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  if (longTasks) await page.addInitScript(LONG_TASK_OBSERVER);
  if (initScript) await page.addInitScript(initScript);
  if (threads !== undefined) await page.addInitScript(WORKER_THREADS, threads);
  page.on('pageerror', (e) => {
    errors.push(`[app] ${e.message}`);
    console.error(`[app] ${e.message}`);
  });
  // Requests of the page and of its dedicated workers (Playwright reports both on the context).
  const requests = [];
  const onRequest = (request) => requests.push({ request, seenAt: Date.now() });
  context.on('request', onRequest);
  await page.goto(url);
  const play = page.getByTestId('play');
  await play.waitFor({ state: 'visible' });
  await page.waitForFunction(() => !document.querySelector('[data-testid="play"]')?.hasAttribute('disabled'), null, { timeout: 120_000 });
  await play.click();
  await page.waitForFunction(() => performance.getEntriesByName('vae:first-step').length > 0, null, { timeout: 120_000 });
  const { coldStartMs, firstStepAt, wasmThreads } = await page.evaluate(() => {
    const first = performance.getEntriesByName('vae:first-step')[0];
    const backendMark = performance.getEntriesByName('vae:backend').at(-1);
    return { coldStartMs: first.startTime, firstStepAt: performance.timeOrigin + first.startTime, wasmThreads: backendMark?.detail.wasmThreads ?? null };
  });
  context.off('request', onRequest);
  // When the browser sent each request (the time Node heard of it only where the browser gave none).
  const sentAt = ({ request, seenAt }) => {
    const start = request.timing().startTime;
    return Number.isFinite(start) && start > 0 ? start : seenAt;
  };
  const beforeFirstStep = requests.filter((r) => sentAt(r) <= firstStepAt).map((r) => r.request.url());
  const backend = (await page.getByTestId('backend').textContent())?.trim();
  const notesLocator = page.getByTestId('backend-notes');
  const notes = (await notesLocator.count()) ? (await notesLocator.textContent())?.trim() : '';
  return { page, backend, coldStartMs, notes, wasmThreads, beforeFirstStep };
}

/** GPU programs per training step the worker last reported (recent mean); null off the GPU. */
export async function appProgramsPerStep(page) {
  return (await lastTensorMark(page))?.programsPerStep ?? null;
}

/** Samples per second over a window of steady training (after a short warm-up). */
export async function measureAppThroughput(page, windowMs) {
  await ensureRunning(page, true);
  await page.waitForTimeout(1500);
  const batch = Number(await page.locator('input[name="batch"]').inputValue());
  const start = await lastTensorMark(page);
  await page.waitForTimeout(windowMs);
  const end = await lastTensorMark(page);
  await ensureRunning(page, false);
  if (!start || !end || end.time <= start.time) throw new Error('the app reported no training progress');
  return ((end.step - start.step) * batch) / ((end.time - start.time) / 1000);
}

/** Pointer moves across the latent pad while training; latency from each event to decoded pixels in the canvas. */
export async function measureDecodeLatency(page, moves) {
  await ensureRunning(page, true);
  await page.evaluate(() => performance.clearMeasures('vae:decode-latency'));
  const box = await page.getByTestId('latent-pad').boundingBox();
  if (!box) throw new Error('latent pad not visible');
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const r = Math.min(box.width, box.height) * 0.4;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 0; i < moves; i++) {
    const angle = (i / 25) * 2 * Math.PI;
    await page.mouse.move(cx + r * Math.cos(angle) * (0.3 + (0.7 * i) / moves), cy + r * Math.sin(angle) * (0.3 + (0.7 * i) / moves));
    await page.waitForTimeout(25);
  }
  await page.mouse.up();
  const durations = await page.evaluate(() => performance.getEntriesByName('vae:decode-latency').map((e) => e.duration));
  if (durations.length === 0) throw new Error('no decode latency was recorded');
  durations.sort((a, b) => a - b);
  const at = (q) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))];
  return { p50: Math.round(at(0.5) * 100) / 100, p95: Math.round(at(0.95) * 100) / 100, count: durations.length };
}

/** Main-thread tasks over 50 ms during a window of training. */
export async function countLongTasks(page, windowMs) {
  await ensureRunning(page, true);
  const from = await page.evaluate(() => performance.now());
  await page.waitForTimeout(windowMs);
  return page.evaluate((t0) => window.__benchLongTasks.filter((t) => t.start >= t0).length, from);
}

/** Change in the worker's live tensor count across `steps` training steps after warm-up. */
export async function measureTensorGrowth(page, steps) {
  await ensureRunning(page, true);
  await page.waitForFunction(() => performance.getEntriesByName('vae:tensors').length > 0);
  const from = await lastTensorMark(page);
  await page.waitForFunction(
    (target) => {
      const marks = performance.getEntriesByName('vae:tensors');
      return marks.length > 0 && marks[marks.length - 1].detail.step >= target;
    },
    from.step + steps,
    { timeout: 60 * 60 * 1000, polling: 250 },
  );
  const to = await lastTensorMark(page);
  return { growth: to.numTensors - from.numTensors, steps: to.step - from.step, from: from.numTensors, to: to.numTensors };
}

/** Trains a fresh app page for K epochs and returns the test split's terms at epoch K. */
export async function trainAppEpochs(browser, url, epochs, options = {}) {
  const { page } = await openApp(browser, url, options);
  await page.waitForFunction(
    (k) => performance.getEntriesByName('vae:eval').some((m) => m.detail.epoch >= k),
    epochs,
    { timeout: 2 * 60 * 60 * 1000, polling: 500 },
  );
  const result = await page.evaluate((k) => performance.getEntriesByName('vae:eval').find((m) => m.detail.epoch >= k).detail, epochs);
  await ensureRunning(page, false);
  await page.close();
  return { recon: result.recon, kl: result.kl, negElbo: result.negElbo, step: result.step };
}

/**
 * The live latent views while training with an image probed and its posterior
 * panel on screen: the worker's time per refresh of the 2,000 test codes and
 * of the posterior grid (medians), how often each arrived, and long tasks.
 */
export async function measureLatentRefresh(browser, url, windowMs, { threads, errors = [] } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 2200 } });
  const page = await context.newPage();
  await page.addInitScript(LONG_TASK_OBSERVER);
  await page.addInitScript(() => {
    window.__benchRefresh = { 'vae:codes': [], 'vae:posterior': [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__benchRefresh[e.name]?.push({ at: e.startTime, millis: e.detail.millis });
    }).observe({ type: 'mark' });
  });
  if (threads !== undefined) await page.addInitScript(WORKER_THREADS, threads);
  page.on('pageerror', (e) => {
    errors.push(`[app] ${e.message}`);
    console.error(`[app] ${e.message}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => !document.querySelector('[data-testid="play"]')?.hasAttribute('disabled'), null, { timeout: 120_000 });
  await page.getByTestId('posterior-gap').waitFor({ timeout: 120_000 });
  await ensureRunning(page, true);
  await page.waitForTimeout(2000);
  const from = await page.evaluate(() => performance.now());
  await page.waitForTimeout(windowMs);
  const result = await page.evaluate((t0) => {
    const pick = (name) => window.__benchRefresh[name].filter((r) => r.at >= t0).map((r) => r.millis);
    return { codes: pick('vae:codes'), posterior: pick('vae:posterior'), longTasks: window.__benchLongTasks.filter((t) => t.start >= t0).length };
  }, from);
  await ensureRunning(page, false);
  await context.close();
  const med = (v) => (v.length ? Math.round(v.sort((a, b) => a - b)[Math.floor(v.length / 2)] * 10) / 10 : null);
  const perSecond = (v) => Math.round((v.length / (windowMs / 1000)) * 100) / 100;
  return {
    codes_refresh_ms: med(result.codes),
    codes_per_s: perSecond(result.codes),
    posterior_refresh_ms: med(result.posterior),
    posterior_per_s: perSecond(result.posterior),
    long_tasks_latent_views: result.longTasks,
  };
}
