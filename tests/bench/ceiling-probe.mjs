// The ceiling: a training step's matrix products alone (baseline/ceiling-worker.js),
// timed in a worker on the app's backend and wasm thread count.

/** Every dense layer of the model as [inputs, outputs], encoder then decoder (the app's layerPlan). */
export function modelLayers(shared, config) {
  const plan = shared.layerPlan({ inputSize: shared.featuresOf(config.data), hidden: config.hidden, latent: config.latent, act: config.act });
  return [...plan.encoder, ...plan.decoder].map(([inputs, outputs]) => [inputs, outputs]);
}

/** Opens the ceiling page with `backend` (and `threads` on wasm); page errors go to `errors`. */
export async function openCeiling(browser, url, { backend, threads, errors = [] }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    errors.push(`[ceiling] ${e.message}`);
    console.error(`[ceiling] ${e.message}`);
  });
  await page.goto(url);
  const started = await page.evaluate((m) => window.ceiling(m), { type: 'setup', backend, threads: threads ?? null });
  if (started.backend !== backend) throw new Error(`the ceiling runs on ${started.backend}, the app on ${backend}`);
  if (backend === 'wasm' && threads && started.threads !== threads) throw new Error(`the ceiling runs on ${started.threads} wasm threads, the app on ${threads}`);
  return { page, ...started };
}

/** Samples per second the GEMMs of one step of `layers` at `batch` allow; best of a few windows. */
export async function measureCeiling(page, layers, batch, windowMs) {
  return page.evaluate((m) => window.ceiling(m), { type: 'time', layers, batch, windowMs, rounds: 3 });
}
