import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, readNumber, decodedPixelsHex, waitReady } from './fixtures';

/** A small model on the CPU backend: deterministic per seed, and quick on a slow machine. */
const RUN = './?hidden=64,32&batch=32&backend=cpu&seed=7';

/** Presses Step `count` times and waits for the counter. */
async function stepTo(page: Page, target: number): Promise<void> {
  const start = await readNumber(page, 'step');
  for (let i = start; i < target; i++) await page.getByTestId('step-button').click();
  await expect(page.getByTestId('step')).toHaveText(String(target), { timeout: 60_000 });
}

/** Waits until this page's run is saved at `step`. */
async function savedAt(page: Page, step: number): Promise<void> {
  await expect(page.getByTestId('autosave-status')).toHaveAttribute('data-step', String(step), { timeout: 30_000 });
}

/** The training-step rows of the metrics CSV (full precision, one row per step), without the split column. */
async function stepRows(page: Page): Promise<string[]> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  return csv.split('\n').filter((row) => row.startsWith('train,')).map((row) => row.slice('train,,'.length));
}

function chartSteps(page: Page) {
  return page.getByTestId('loss-chart-points');
}

/** Summaries of the runs saved in this browser profile, read straight from IndexedDB. */
async function savedRuns(page: Page): Promise<{ id: string; step: number; updatedAt: number }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('vae-playground');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('summaries').objectStore('summaries').getAll();
          get.onsuccess = () => {
            open.result.close();
            resolve(get.result.map(({ id, step, updatedAt }) => ({ id, step, updatedAt })));
          };
        };
      }),
  );
}

test('a paused run survives a reload: same step, chart and image, and training carries on as if never interrupted', async ({ page, context, consoleErrors }) => {
  await page.goto(RUN);
  await waitReady(page);
  await page.getByTestId('play').click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 90_000 }).toBeGreaterThanOrEqual(30);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toHaveText(/Play/);
  // Steps already under way when Pause was pressed still land; the save after them carries the final count.
  await expect.poll(async () => (await page.getByTestId('autosave-status').getAttribute('data-step')) === String(await readNumber(page, 'step')), { timeout: 30_000 }).toBe(true);
  const step = await readNumber(page, 'step');
  await expect(chartSteps(page)).toHaveAttribute('data-steps', String(step));
  const evals = await chartSteps(page).getAttribute('data-evals');
  const pixels = await decodedPixelsHex(page);
  const beforeRows = await stepRows(page);
  expect(beforeRows).toHaveLength(step);

  await page.reload();
  await waitReady(page);
  await expect(page.getByTestId('step')).toHaveText('0');
  const resume = page.getByRole('button', { name: /^Resume/ });
  await expect(resume).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('resume-offer')).toContainText(`Step ${step} `);
  const clicked = Date.now();
  await resume.click();
  await expect(page.getByTestId('step')).toHaveText(String(step), { timeout: 60_000 });
  console.log(`round trip: step ${step} before the reload, ${await readNumber(page, 'step')} after Resume (${Date.now() - clicked} ms from the click)`);
  await expect(page.getByTestId('resume-offer')).toHaveCount(0);
  await expect(chartSteps(page)).toHaveAttribute('data-steps', String(step));
  await expect.poll(() => decodedPixelsHex(page), { timeout: 30_000 }).toBe(pixels);
  // Re-measuring the restored weights adds no test point: the chart is the one that was saved.
  await expect(chartSteps(page)).toHaveAttribute('data-evals', evals!);
  expect(await stepRows(page)).toEqual(beforeRows);

  // Two more steps: the first checks weights, data order and noise; the second the optimizer's state.
  await stepTo(page, step + 2);
  const resumed = await stepRows(page);

  // The same run, never interrupted, in a second page.
  const reference = await context.newPage();
  await reference.goto(RUN);
  await waitReady(reference);
  await stepTo(reference, step + 2);
  const uninterrupted = await stepRows(reference);
  // Every saved step and both new ones match to the last bit: the optimizer state (moments, update
  // count and Adam's running β powers) came back exactly. Lost state moves the second new step by about a nat.
  expect(resumed.at(-1)!.split(',')[0]).toBe(String(step + 2));
  expect(resumed).toEqual(uninterrupted);
  expect(consoleErrors).toEqual([]);
});

test('hiding the page saves the running run at once, between the periodic saves', async ({ page, consoleErrors }) => {
  // No periodic saves (the autosave's 5 s timer never fires): only hiding the page can save a running run.
  await page.addInitScript(() => {
    const setInterval = window.setInterval.bind(window);
    window.setInterval = ((handler: TimerHandler, ms?: number, ...rest: unknown[]) => (ms === 5000 ? 0 : setInterval(handler, ms, ...rest))) as typeof window.setInterval;
  });
  await page.goto(RUN);
  await waitReady(page);
  await page.getByTestId('play').click();
  await expect.poll(() => readNumber(page, 'step')).toBeGreaterThan(5);
  const status = page.getByTestId('autosave-status');
  await expect(status).toHaveCount(0);
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect(status).toBeVisible();
  expect(Number(await status.getAttribute('data-step'))).toBeGreaterThan(5);
  await page.getByTestId('play').click();
  expect(consoleErrors).toEqual([]);
});

test('with storage unavailable the page says so once, calmly, and trains', async ({ page, consoleErrors }) => {
  await page.addInitScript(() => {
    IDBFactory.prototype.open = () => {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError');
    };
  });
  await page.goto(RUN);
  await waitReady(page);
  const message = page.getByTestId('storage-message');
  await expect(message).toHaveCount(1);
  await expect(message).toHaveAttribute('role', 'status');
  await expect(message).toContainText('will not survive a reload');
  await expect(message).toContainText('Training is not affected');
  await stepTo(page, 4);
  await page.getByTestId('play').click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(10);
  await page.getByTestId('play').click();
  await expect(message).toHaveCount(1);
  await message.getByRole('button', { name: 'Dismiss' }).click();
  // More than one autosave period: no second message.
  await page.waitForTimeout(6_000);
  await expect(message).toHaveCount(0);
  await expect(page.getByTestId('resume-offer')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('a full storage is said once and training goes on', async ({ page, consoleErrors, baseURL }) => {
  // A real quota, far below one run's weights: the write (done in a worker) meets a genuinely full store.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: 64 * 1024 });
  await page.goto(RUN);
  await waitReady(page);
  await stepTo(page, 3);
  const message = page.getByTestId('storage-message');
  await expect(message).toContainText('storage for this site is full');
  await stepTo(page, 6);
  await expect(message).toHaveCount(1);
  await message.getByRole('button', { name: 'Dismiss' }).click();
  // Saving stopped: more training, and more than one autosave period, bring no second message.
  await stepTo(page, 9);
  await page.waitForTimeout(6_000);
  await expect(message).toHaveCount(0);
  await expect(page.getByTestId('autosave-status')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('two tabs each keep their own run; a new page offers the newest run of a closed tab', async ({ context, consoleErrors }) => {
  const a = await context.newPage();
  await a.goto(RUN);
  await waitReady(a);
  await stepTo(a, 3);
  await savedAt(a, 3);

  const b = await context.newPage();
  await b.goto('./?hidden=32&batch=32&backend=cpu&seed=9');
  await waitReady(b);
  await stepTo(b, 5);
  await savedAt(b, 5);
  // A's run is not B's to offer: A is still open.
  await expect(b.getByTestId('resume-offer')).toHaveCount(0);
  expect((await savedRuns(b)).map((r) => r.step).sort()).toEqual([3, 5]);

  // A trains on: its record changes, B's stays.
  await stepTo(a, 4);
  await savedAt(a, 4);
  await stepTo(b, 6);
  await savedAt(b, 6);
  expect((await savedRuns(a)).map((r) => r.step).sort()).toEqual([4, 6]);

  // A closes. A new page offers A's run: B's is newer, but B is open.
  await a.close();
  const c = await context.newPage();
  await c.goto(RUN);
  await waitReady(c);
  await expect(c.getByTestId('resume-offer')).toContainText('Step 4 ', { timeout: 30_000 });

  // B closes too: now the newest run is B's.
  await b.close();
  await c.reload();
  await waitReady(c);
  await expect(c.getByTestId('resume-offer')).toContainText('Step 6 ', { timeout: 30_000 });
  await expect(c.getByTestId('resume-offer')).toContainText('hidden layers 32,');
  await c.getByRole('button', { name: /^Resume/ }).click();
  await expect(c.getByTestId('step')).toHaveText('6', { timeout: 60_000 });
  await expect(c.locator('[name="hidden"]')).toHaveValue('32');
  // Once C has saved the run as its own, B's copy goes: one record per run.
  await savedAt(c, 6);
  await expect.poll(async () => (await savedRuns(c)).map((r) => r.step).sort()).toEqual([4, 6]);
  expect(consoleErrors).toEqual([]);
});

test('a 20,000-step history is saved and restored whole (timed)', async ({ page, consoleErrors }) => {
  await page.goto(RUN);
  await waitReady(page);
  await stepTo(page, 3);
  await savedAt(page, 3);
  const small = await page.evaluate(() => performance.getEntriesByName('vae:run-save').map((e) => e.duration));

  // Grow the saved history to 20,000 steps, as if trained that long.
  const N = 20_000;
  await page.evaluate(
    (n) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('vae-playground');
        open.onsuccess = () => {
          const tx = open.result.transaction(['summaries', 'runs'], 'readwrite');
          const summaries = tx.objectStore('summaries');
          const runs = tx.objectStore('runs');
          summaries.getAll().onsuccess = (event) => {
            const summary = (event.target as IDBRequest).result[0];
            runs.get(summary.id).onsuccess = (e) => {
              const run = (e.target as IDBRequest).result;
              const h = run.history;
              h.step = Uint32Array.from({ length: n }, (_, i) => i + 1);
              h.recon = Float32Array.from({ length: n }, (_, i) => 500 / (1 + i / 100));
              h.kl = Float32Array.from({ length: n }, () => 4);
              h.beta = Float32Array.from({ length: n }, () => 1);
              h.total = Float64Array.from({ length: n }, (_, i) => h.recon[i] + 4);
              run.checkpoint.step = n;
              summaries.put({ ...summary, step: n });
              runs.put(run);
            };
          };
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        };
      }),
    N,
  );

  await page.reload();
  await waitReady(page);
  // The fresh model has progress now: Resume asks first, and Cancel keeps both.
  await stepTo(page, 1);
  await page.getByRole('button', { name: /^Resume/ }).click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('The current model (step 1) will be replaced by the saved run (step 20000)');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('step')).toHaveText('1');
  await expect(page.getByTestId('resume-offer')).toBeVisible();
  await page.getByRole('button', { name: /^Resume/ }).click();
  const clicked = Date.now();
  await page.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('step')).toHaveText(String(N), { timeout: 60_000 });
  const resumeMs = Date.now() - clicked;
  await expect(chartSteps(page)).toHaveAttribute('data-steps', String(N));
  // The resumed run is saved again by this page: the write of a 20,000-step history.
  await savedAt(page, N);
  const saves = await page.evaluate(() => performance.getEntriesByName('vae:run-save').map((e) => ({ ms: e.duration, steps: (e as PerformanceMeasure).detail.steps })));
  const big = saves.find((s) => s.steps === N)!;
  console.log(`save of a 3-step run: ${small.map((ms) => ms.toFixed(1)).join(', ')} ms; save of a ${N}-step run: ${big.ms.toFixed(1)} ms; Resume click to step shown: ${resumeMs} ms`);
  expect(big.ms).toBeLessThan(2_000);
  expect(consoleErrors).toEqual([]);
});
