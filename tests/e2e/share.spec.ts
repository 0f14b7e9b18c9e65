import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, readNumber, trainSteps, waitReady } from './fixtures';

/** A small model on the CPU backend, so a few steps are quick on a slow machine. */
const SMALL = './?hidden=32&batch=32&backend=cpu&seed=5';

/** The decoded image's grey levels (one byte per pixel). */
async function decodedPixels(page: Page): Promise<number[]> {
  return page.getByTestId('decoded').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return Array.from({ length: data.length / 4 }, (_, i) => data[4 * i]);
  });
}

function maxDifference(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i])), 0);
}

/** Puts the pad at a fixed spot with the keyboard; returns its aria-valuetext. */
async function placePad(page: Page): Promise<string> {
  const pad = page.getByTestId('latent-pad');
  await pad.focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowRight');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  return (await pad.getAttribute('aria-valuetext')) ?? '';
}

test('a link with several settings fills the controls; edits follow into the address bar; Copy link copies it', async ({ page, context, consoleErrors }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('./?beta=4&latent=3&hidden=64,32&lr=0.003&recon=mse&backend=cpu');
  await expect(page.locator('[name="beta"]')).toHaveValue('4');
  await expect(page.locator('[name="latent"]')).toHaveValue('3');
  await expect(page.locator('[name="hidden"]')).toHaveValue('64,32');
  await expect(page.locator('[name="lr"]')).toHaveValue('0.003');
  await expect(page.locator('[name="recon"]')).toHaveValue('mse');
  await expect(page.locator('[name="backend"]')).toHaveValue('cpu');
  await expect(page.locator('[name="act"]')).toHaveValue('relu');
  await expect(page.getByTestId('config-messages')).toHaveCount(0);

  await page.locator('[name="beta"]').fill('2.5');
  await page.locator('[name="beta"]').press('Tab');
  await expect.poll(() => new URL(page.url()).searchParams.get('beta')).toBe('2.5');
  const url = new URL(page.url());
  expect(url.searchParams.get('hidden')).toBe('64,32');
  expect(url.searchParams.get('lr')).toBe('0.003');

  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-status')).toHaveText('Link copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(page.url());
  expect(consoleErrors).toEqual([]);
});

test('a link with bad values names each one while the good values apply', async ({ page }) => {
  await page.goto('./?beta=abc&latent=999&foo=1&lr=0.002&backend=cpu');
  const messages = page.getByTestId('config-messages');
  await expect(messages).toBeVisible();
  for (const key of ['beta', 'latent', 'foo']) await expect(messages.locator(`li[data-key="${key}"]`)).toHaveCount(1);
  await expect(messages.locator('li[data-key="beta"]')).toContainText('"abc" is not a number');
  await expect(messages.locator('li[data-key="foo"]')).toContainText('not a setting');
  await expect(page.locator('[name="lr"]')).toHaveValue('0.002');
  await expect(page.locator('[name="beta"]')).toHaveValue('1');
  await expect(page.locator('[name="latent"]')).toHaveValue('32');
  await expect(messages.locator('li[data-key="lr"]')).toHaveCount(0);
});

test('download → reload → upload restores the model: the decoder draws the same pixels', async ({ page, consoleErrors }) => {
  await page.goto(SMALL);
  await waitReady(page);
  const untrainedSpot = await placePad(page);
  const untrained = await decodedPixels(page);
  await trainSteps(page, 3);
  // The decoder snapshot arrives just after the step count: wait until the image changes.
  await expect.poll(async () => maxDifference(await decodedPixels(page), untrained), { timeout: 30_000 }).toBeGreaterThan(0);
  const trained = await decodedPixels(page);
  expect(untrainedSpot).toMatch(/z0 = \d\.\d\d, z1 = -\d\.\d\d/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-model').click()]);
  expect(download.suggestedFilename()).toBe('vae-mnist-z2-32-step3.json');
  const file = await download.path();
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  expect(saved.format).toBe('vae-playground-model');
  expect(saved.step).toBe(3);
  expect(saved.layers.map((l: { inputs: number; outputs: number }) => `${l.inputs}x${l.outputs}`)).toEqual(['784x32', '32x4', '2x32', '32x784']);

  // Reload the same link: a fresh, untrained model.
  await page.goto(SMALL);
  await waitReady(page);
  expect(await placePad(page)).toBe(untrainedSpot);
  expect(maxDifference(await decodedPixels(page), untrained)).toBeLessThanOrEqual(1);

  await page.getByTestId('import-model').setInputFiles(file);
  await expect(page.getByTestId('import-message')).toContainText('Loaded', { timeout: 60_000 });
  await expect(page.getByTestId('confirm-dialog')).not.toBeVisible();
  await expect.poll(async () => maxDifference(await decodedPixels(page), trained), { timeout: 30_000 }).toBeLessThanOrEqual(1);
  expect(await placePad(page)).toBe(untrainedSpot);
  expect(maxDifference(await decodedPixels(page), trained)).toBeLessThanOrEqual(1);

  // Into a model of another architecture: the page asks, switches to the file's settings, then loads.
  await page.goto('./?hidden=16,8&latent=3&batch=32&backend=cpu');
  await waitReady(page);
  await page.getByTestId('import-model').setInputFiles(file);
  await expect(page.getByTestId('confirm-dialog')).toBeVisible();
  await expect(page.getByTestId('confirm-dialog')).toContainText('Hidden layers');
  await page.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('import-message')).toContainText('Loaded', { timeout: 90_000 });
  await expect(page.locator('[name="hidden"]')).toHaveValue('32');
  await expect(page.locator('[name="latent"]')).toHaveValue('2');
  await expect.poll(() => new URL(page.url()).searchParams.get('hidden')).toBe('32');
  await expect.poll(async () => {
    await placePad(page);
    return maxDifference(await decodedPixels(page), trained);
  }, { timeout: 30_000 }).toBeLessThanOrEqual(1);
  expect(consoleErrors).toEqual([]);
});

test('a bad model file is refused with a clear message and the model keeps working', async ({ page, consoleErrors }) => {
  await page.goto(SMALL);
  await waitReady(page);
  await trainSteps(page, 1);
  const before = await decodedPixels(page);
  const input = page.getByTestId('import-model');
  const message = page.getByTestId('import-message');

  await input.setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"photo","version":1}') });
  await expect(message).toContainText('“notes.json” was not loaded');
  await expect(message).toContainText('not a VAE Playground model');
  await expect(message).toContainText('The current model is unchanged');
  await expect(message).toHaveAttribute('role', 'alert');

  await input.setInputFiles({ name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"vae-playground-model","version":1,"config":{"data":"mn') });
  await expect(message).toContainText('truncated');

  await input.setInputFiles({ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(message).toContainText('not valid JSON');

  await expect(page.getByTestId('confirm-dialog')).not.toBeVisible();
  expect(await readNumber(page, 'step')).toBe(1);
  expect(maxDifference(await decodedPixels(page), before)).toBe(0);
  await trainSteps(page, 1); // still trains
  expect(consoleErrors).toEqual([]);
});

test('presets are real links; opening one after training started asks first', async ({ page, consoleErrors }) => {
  await page.goto(SMALL);
  await waitReady(page);
  const preset = page.getByTestId('preset-beta-4');
  await expect(preset).toHaveAttribute('href', '?beta=4');
  await expect(page.locator('[data-testid^="preset-"]')).toHaveCount(9);

  await trainSteps(page, 1);
  await preset.click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).not.toBeVisible();
  await expect(page.locator('[name="beta"]')).toHaveValue('1');
  await expect(page.getByTestId('step')).toHaveText('1');

  await preset.click();
  await page.getByTestId('confirm-ok').click();
  await expect(page.locator('[name="beta"]')).toHaveValue('4');
  await expect(page.locator('[name="hidden"]')).toHaveValue('512,256');
  await expect(page.getByTestId('step')).toHaveText('0');
  await expect.poll(() => new URL(page.url()).search).toBe('?beta=4');
  expect(consoleErrors).toEqual([]);
});

test('metrics CSV, loss chart PNG, latent view PNG and PyTorch script download', async ({ page, consoleErrors }) => {
  await page.goto(SMALL);
  await waitReady(page);
  await trainSteps(page, 2);
  const save = async (testId: string) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
  };
  const csv = await save('export-csv');
  const lines = csv.bytes.toString('utf8').split('\n');
  // One tidy table (see metrics-csv.ts): train rows, then test rows, no blank lines in between.
  expect(lines[0]).toBe('split,epoch,step,recon,kl,beta,total');
  expect(lines[1]).toMatch(/^train,,1,\d+(\.\d+)?(e[+-]?\d+)?,[-\d.e+]+,1,[\d.e+]+$/);
  expect(lines.some((line) => /^test,\d+,\d+,[\d.e+]+,[-\d.e+]+,1,[\d.e+]+$/.test(line))).toBe(true);
  expect(lines.slice(0, -1)).not.toContain('');
  for (const id of ['export-chart', 'export-latent']) {
    const png = await save(id);
    expect(png.name).toMatch(/\.png$/);
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.bytes.length).toBeGreaterThan(1000);
  }
  const script = await save('export-pytorch');
  expect(script.name).toBe('vae_mnist_z2_32.py');
  expect(script.bytes.toString('utf8')).toContain('nn.Linear(784, 32)');
  expect(consoleErrors).toEqual([]);
});

test('the share card and gallery fit a 360 px phone and work from the keyboard', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(SMALL);
  await waitReady(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const preset = page.getByTestId('preset-mse');
  await preset.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[name="recon"]')).toHaveValue('mse');
  await expect.poll(() => new URL(page.url()).search).toBe('?recon=mse');
});
