import { readFileSync } from 'node:fs';
import { test, expect, waitReady, readNumber, trainSteps } from './fixtures';

const LINK = './?backend=wasm&hidden=32&batch=32&seed=5';

test('Evaluate now pauses training, shows −log p̂(x) below −ELBO with its K, and the model file afterwards holds the evaluated weights', async ({ page, consoleErrors }) => {
  await page.goto(LINK);
  await waitReady(page);
  await page.getByTestId('play').click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(20);

  // Keyboard: K in its labelled field, Enter submits.
  const k = page.getByLabel(/Samples per image K/);
  await k.fill('100');
  await k.press('Enter');
  await expect(page.getByTestId('play')).toHaveText(/Play/);
  const iwae = page.getByTestId('test-iwae');
  await expect(iwae).toBeVisible({ timeout: 120_000 });
  await expect(iwae).toHaveAttribute('data-k', '100');

  const negLogPx = await readNumber(page, 'test-iwae');
  const negElbo = await readNumber(page, 'evaluate-neg-elbo');
  const gap = await readNumber(page, 'iwae-gap');
  expect(negLogPx).toBeLessThan(negElbo);
  expect(gap).toBeGreaterThan(0);
  expect(Math.abs(negElbo - negLogPx - gap)).toBeLessThan(0.011);
  // The readouts show this evaluation's −ELBO, at the step the run stopped at.
  expect(Math.abs((await readNumber(page, 'test-neg-elbo')) - negElbo)).toBeLessThan(0.5);
  const step = Number(await iwae.getAttribute('data-step'));
  expect(await readNumber(page, 'step')).toBe(step);
  await expect(page.getByText(/With fewer samples per image: K = 1: .* · K = 10: .* · K = 100: /)).toBeVisible();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-model').click()]);
  const file = await download.path();
  expect(JSON.parse(readFileSync(file, 'utf8')).step).toBe(step);

  // The same weights in a fresh page give the same figure (the sampling noise is seeded by the run's seed).
  await page.goto(LINK);
  await waitReady(page);
  await page.getByTestId('import-model').setInputFiles(file);
  await expect(page.getByTestId('import-message')).toContainText('Loaded', { timeout: 60_000 });
  await expect(page.getByTestId('step')).toHaveText(String(step));
  await page.getByTestId('evaluate').click();
  await expect(page.getByTestId('test-iwae')).toHaveAttribute('data-step', String(step), { timeout: 120_000 });
  expect(await readNumber(page, 'test-iwae')).toBe(negLogPx);
  expect(consoleErrors).toEqual([]);
});

test('a bad K gets a clear message and nothing runs; Cancel stops a long evaluation', async ({ page, consoleErrors }) => {
  await page.goto(LINK);
  await waitReady(page);
  await trainSteps(page, 1);
  const k = page.getByLabel(/Samples per image K/);
  for (const bad of ['0', '1001', '2.5']) {
    await k.fill(bad);
    await page.getByTestId('evaluate').click();
    await expect(page.getByRole('alert')).toHaveText('K must be a whole number from 1 to 1,000.');
    await expect(k).toHaveAttribute('aria-invalid', 'true');
  }
  await expect(page.getByTestId('evaluate-progress')).toHaveCount(0);

  await k.fill('1000');
  await page.getByTestId('evaluate').click();
  await expect(k).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('evaluate-progress')).toBeVisible();
  await page.getByTestId('evaluate-cancel').click();
  await expect(page.getByTestId('evaluate-cancelled')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('test-iwae')).toHaveCount(0);
  // The worker is free again: a small evaluation runs to the end.
  await k.fill('3');
  await page.getByTestId('evaluate').click();
  await expect(page.getByTestId('test-iwae')).toHaveAttribute('data-k', '3', { timeout: 60_000 });
  expect(consoleErrors).toEqual([]);
});
