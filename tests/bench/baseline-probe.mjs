// Drives the stock tfjs baseline page (tests/bench/baseline/) through window.baseline.

function settingsFrom(query) {
  const params = new URLSearchParams(query);
  const number = (key, fallback) => (params.has(key) ? Number(params.get(key)) : fallback);
  return {
    hidden: params.has('hidden') ? params.get('hidden').split(',').map(Number) : [512, 256],
    latent: number('latent', 2),
    batch: number('batch', 128),
    lr: number('lr', 0.001),
    seed: number('seed', 42),
  };
}

export async function openBaseline(browser, url, query, backend = 'default') {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[baseline] ${e.message}`));
  if (process.env.BENCH_DEBUG) page.on('console', (m) => console.error(`[baseline console] ${m.text()}`));
  await page.goto(url);
  await page.evaluate((settings) => window.baseline.setup(settings), { ...settingsFrom(query), backend });
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

export async function trainBaselineEpochs(page, epochs, query, backend = 'default') {
  // A fresh model so it trains exactly K epochs, like the app.
  await page.reload();
  await page.evaluate((settings) => window.baseline.setup(settings), { ...settingsFrom(query), backend });
  return page.evaluate(async (k) => {
    await window.baseline.trainEpochs(k);
    return window.baseline.evaluate();
  }, epochs);
}
