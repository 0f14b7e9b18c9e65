// Drives the stock tfjs baseline page (tests/bench/baseline/) through window.baseline.

/**
 * Opens the baseline page and builds the model `settings` describes (benchConfig's
 * `baseline` from app-shared.ts) on `backend`. Page errors go to `errors`.
 */
export async function openBaseline(browser, url, settings, backend = 'default', errors = []) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    errors.push(`[baseline] ${e.message}`);
    console.error(`[baseline] ${e.message}`);
  });
  if (process.env.BENCH_DEBUG) page.on('console', (m) => console.error(`[baseline console] ${m.text()}`));
  await page.goto(url);
  await page.evaluate((s) => window.baseline.setup(s), { ...settings, backend });
  // Warm-up: the first steps compile shaders / kernels.
  await page.evaluate(async () => {
    for (let i = 0; i < 3; i++) await window.baseline.step();
  });
  return { page, backend: await page.evaluate(() => window.baseline.backend) };
}

export async function measureBaselineThroughput(page, windowMs) {
  await page.evaluate(() => {
    window.baseline.stepTimes = [];
    window.__baselineRun = window.baseline.run();
  });
  await page.waitForTimeout(windowMs);
  const { times, batch } = await page.evaluate(async () => {
    window.baseline.stop();
    await window.__baselineRun;
    return { times: window.baseline.stepTimes, batch: window.baseline.batch };
  });
  // Skip the first step after resuming; count whole steps between finish times.
  if (times.length < 3) throw new Error(`the baseline finished only ${times.length} steps in the window`);
  const steps = times.length - 2;
  return (steps * batch) / ((times[times.length - 1] - times[1]) / 1000);
}

/** GPU programs per training step, averaged over the latest (up to) 20 steps; null off webgl. */
export function baselineProgramsPerStep(page) {
  return page.evaluate(() => window.baseline.programsPerStep());
}

export async function trainBaselineEpochs(page, epochs, settings, backend = 'default') {
  // A fresh model so it trains exactly K epochs, like the app.
  await page.reload();
  await page.evaluate((s) => window.baseline.setup(s), { ...settings, backend });
  return page.evaluate(async (k) => {
    await window.baseline.trainEpochs(k);
    return window.baseline.evaluate();
  }, epochs);
}
