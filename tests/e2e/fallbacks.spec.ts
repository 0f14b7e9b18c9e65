import { chromium, type Browser } from '@playwright/test';
import config from './playwright.config';
import { test, expect, readNumber } from './fixtures';

/**
 * A browser without a feature the worker would use. page.addInitScript cannot
 * reach inside the training worker, so these features are switched off for the
 * whole browser with Chromium's own flags. (Measured: --disable-webgl turns WebGL
 * off in the page but not for OffscreenCanvas in a worker, and V8's
 * --noexpose_wasm leaves WebAssembly in place; the flags below work in both.)
 */
const NO_WEBGL = ['--disable-gpu', '--disable-software-rasterizer'];
/** V8 without its compilers has no WebAssembly at all. */
const NO_WASM = ['--js-flags=--jitless'];

async function launchWithout(args: string[]): Promise<Browser> {
  const base = config.use?.launchOptions ?? {};
  return chromium.launch({ ...base, args: [...(base.args ?? []), ...args] });
}

test('without WebGL and WebAssembly, a wasm link trains on cpu and the page says why', async ({ baseURL }) => {
  const browser = await launchWithout([...NO_WEBGL, ...NO_WASM]);
  try {
    const page = await browser.newPage({ baseURL });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('./?backend=wasm&hidden=32&batch=32');
    await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
    await expect(page.getByTestId('backend')).toHaveText('cpu');
    const notes = page.getByTestId('backend-notes');
    await expect(notes).toContainText('wasm skipped: this browser has no WebAssembly');
    await expect(notes).toContainText('webgl skipped: WebGL is turned off or not supported in this browser');
    await page.getByTestId('step-button').click();
    await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBe(1);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('auto without WebGL and WebAssembly picks cpu and names both reasons', async ({ baseURL }) => {
  const browser = await launchWithout([...NO_WEBGL, ...NO_WASM]);
  try {
    const page = await browser.newPage({ baseURL });
    await page.goto('./?hidden=32&batch=32');
    await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
    await expect(page.getByTestId('backend')).toHaveText('cpu');
    await expect(page.getByTestId('backend-notes')).toContainText(/webgl skipped: WebGL is turned off.*wasm skipped: this browser has no WebAssembly/);
  } finally {
    await browser.close();
  }
});

test('without WebGL alone, a webgl link falls back to wasm with a note', async ({ baseURL }) => {
  const browser = await launchWithout(NO_WEBGL);
  try {
    const page = await browser.newPage({ baseURL });
    await page.goto('./?backend=webgl&hidden=32&batch=32');
    await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
    await expect(page.getByTestId('backend')).toHaveText('wasm');
    await expect(page.getByTestId('backend-notes')).toContainText('webgl skipped: WebGL is turned off or not supported in this browser');
  } finally {
    await browser.close();
  }
});

test('without Web Workers the page explains instead of going blank', async ({ page }) => {
  await page.addInitScript(() => {
    delete (window as { Worker?: unknown }).Worker;
  });
  await page.goto('./');
  const message = page.getByTestId('startup-error');
  await expect(message).toBeVisible();
  await expect(message).toContainText('This browser has no Web Workers');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('VAE Playground cannot start here');
});
