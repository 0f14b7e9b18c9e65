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

/** How a downloaded PNG compares with what the page shows, pixel by pixel (RGBA, 0–255 per channel). */
interface PngMatch {
  /** The PNG's size and the size of what it should show. */
  size: string;
  expectedSize: string;
  compared: number;
  /** Pixels whose largest channel difference is above the tolerance (8; 2 for the decoded image, which is copied pixel for pixel). */
  differing: number;
  /** Pixels of the expected picture that are not its background: a blank export of a blank screen proves nothing. */
  inked: number;
}

/**
 * Decodes the PNG with the browser's own decoder and compares it with the loss chart's canvas as the
 * page shows it (on the page's surface colour).
 */
async function compareChartPng(page: Page, png: Buffer): Promise<PngMatch> {
  return page.getByTestId('loss-chart').evaluate(async (chart: HTMLCanvasElement, base64: string) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const pixels = (draw: (ctx: CanvasRenderingContext2D) => void, width: number, height: number) => {
      const ctx = Object.assign(document.createElement('canvas'), { width, height }).getContext('2d')!;
      draw(ctx);
      return ctx.getImageData(0, 0, width, height).data;
    };
    const surface = getComputedStyle(document.documentElement).getPropertyValue('--surface').trim();
    const got = pixels((ctx) => ctx.drawImage(bitmap, 0, 0), bitmap.width, bitmap.height);
    const want = pixels((ctx) => {
      ctx.fillStyle = surface;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.drawImage(chart, 0, 0);
    }, chart.width, chart.height);
    let differing = 0;
    let inked = 0;
    const compared = Math.min(got.length, want.length) / 4;
    for (let i = 0; i < compared; i++) {
      let worst = 0;
      let ink = 0;
      for (let c = 0; c < 4; c++) {
        worst = Math.max(worst, Math.abs(got[4 * i + c] - want[4 * i + c]));
        ink = Math.max(ink, Math.abs(want[4 * i + c] - want[c]));
      }
      if (worst > 8) differing++;
      if (ink > 32) inked++;
    }
    return { size: `${bitmap.width}×${bitmap.height}`, expectedSize: `${chart.width}×${chart.height}`, compared, differing, inked };
  }, png.toString('base64'));
}

/**
 * Decodes the latent-view PNG and checks both halves against the page: the pad's canvas (on its surface
 * colour, away from the marker ring) and the decoded image, each 28×28 pixel read at the centre of its
 * scaled-up cell.
 */
async function compareLatentPng(page: Page, png: Buffer): Promise<{ pad: PngMatch; image: PngMatch }> {
  return page.getByTestId('latent-pad').evaluate(async (pad: HTMLElement, base64: string) => {
    const back = pad.querySelector('canvas')!;
    const decoded = document.querySelector<HTMLCanvasElement>('[data-testid="decoded"]')!;
    const marker = pad.querySelector('.marker')!.getBoundingClientRect();
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const read = (source: CanvasImageSource, width: number, height: number, background?: string) => {
      const ctx = Object.assign(document.createElement('canvas'), { width, height }).getContext('2d')!;
      if (background) {
        ctx.fillStyle = background;
        ctx.fillRect(0, 0, width, height);
      }
      ctx.drawImage(source, 0, 0);
      const data = ctx.getImageData(0, 0, width, height).data;
      return (x: number, y: number) => Array.from(data.subarray(4 * (y * width + x), 4 * (y * width + x) + 4));
    };
    const got = read(bitmap, bitmap.width, bitmap.height);
    const side = back.height;
    const gap = Math.round(side * 0.05);
    const match = (expectedSize: string, points: [number, number, number[]][], background: number[], tolerance: number) => {
      let differing = 0;
      let inked = 0;
      for (const [x, y, want] of points) {
        const have = got(x, y);
        if (want.some((v, c) => Math.abs(v - have[c]) > tolerance)) differing++;
        if (want.some((v, c) => Math.abs(v - background[c]) > 32)) inked++;
      }
      return { size: `${bitmap.width}×${bitmap.height}`, expectedSize, compared: points.length, differing, inked };
    };

    // The pad: every 3rd pixel, skipping a disc around the marker the export draws as a ring.
    const css = getComputedStyle(back);
    const padPixel = read(back, back.width, back.height, css.getPropertyValue('--surface-2').trim());
    const scale = back.width / back.getBoundingClientRect().width;
    const box = back.getBoundingClientRect();
    const mx = (marker.left + marker.width / 2 - box.left) * scale;
    const my = (marker.top + marker.height / 2 - box.top) * scale;
    const padPoints: [number, number, number[]][] = [];
    for (let y = 0; y < back.height; y += 3) {
      for (let x = 0; x < back.width; x += 3) {
        if (Math.hypot(x - mx, y - my) > 14 * scale) padPoints.push([gap + x, gap + y, padPixel(x, y)]);
      }
    }
    // The decoded image, scaled from 28×28 to the pad's height with crisp pixels: each cell is read near
    // its corners as well as its centre (a smoothed copy blends neighbours there; Chrome's scaled copy
    // itself is off by at most 1 grey level).
    const imagePixel = read(decoded, decoded.width, decoded.height);
    const cell = side / decoded.width;
    const imagePoints: [number, number, number[]][] = [];
    for (let j = 0; j < decoded.height; j++) {
      for (let i = 0; i < decoded.width; i++) {
        for (const [u, v] of [[0.5, 0.5], [0.15, 0.15], [0.85, 0.15], [0.15, 0.85], [0.85, 0.85]]) {
          imagePoints.push([Math.floor(back.width + 2 * gap + (i + u) * cell), Math.floor(gap + (j + v) * cell), imagePixel(i, j)]);
        }
      }
    }
    const expectedSize = `${back.width + 3 * gap + side}×${side + 2 * gap}`;
    // Ink for the pad: unlike its empty background; for the image: unlike the export's margin (the page surface).
    return { pad: match(expectedSize, padPoints, padPixel(0, 0), 8), image: match(expectedSize, imagePoints, got(0, 0), 2) };
  }, png.toString('base64'));
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

test("a loaded model file restores its run: the file's step, a chart that starts there, warm-up continuing from it; stale messages go", async ({ page, consoleErrors }) => {
  // β warms up over 100 steps: at step s it is s/100.
  const link = './?hidden=32&batch=32&backend=cpu&seed=5&warmup=100';
  await page.goto(link);
  await waitReady(page);
  await trainSteps(page, 4);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-model').click()]);
  await expect(page.getByTestId('export-status')).toContainText('step 4');
  const file = await download.path();

  // Another run that got further: its counter and curve must not leak into the loaded one.
  await page.goto(link);
  await waitReady(page);
  await trainSteps(page, 7);
  await expect.poll(async () => Number(await page.getByTestId('loss-chart-points').getAttribute('data-steps'))).toBe(7);
  await page.getByTestId('import-model').setInputFiles(file);
  await expect(page.getByTestId('confirm-dialog')).toBeVisible();
  await page.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('import-message')).toContainText('Loaded', { timeout: 60_000 });
  await expect(page.getByTestId('step')).toHaveText('4');
  await expect(page.getByTestId('loss-chart-points')).toHaveAttribute('data-steps', '0');

  await trainSteps(page, 1);
  await expect(page.getByTestId('step')).toHaveText('5');
  // The step after the file's trains with β = 4/100 (β follows the steps done before it), not the 0 a restarted warm-up would use.
  await expect(page.locator('.readout.total .label')).toContainText('0.04·KL');
  await expect(page.getByTestId('loss-chart-points')).toHaveAttribute('data-steps', '1');

  // "Model downloaded (step 4)" described the run before Reset; a new model clears it.
  await page.getByTestId('export-model').click();
  await expect(page.getByTestId('export-status')).toContainText('step 5');
  await page.getByTestId('reset').click();
  if (await page.getByTestId('confirm-dialog').isVisible()) await page.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('export-status')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('a link warning goes once the setting it was about is changed', async ({ page }) => {
  await page.goto('./?beta=50%25&lr=%zz&backend=cpu&hidden=32');
  const messages = page.getByTestId('config-messages');
  await expect(messages.locator('li[data-key="beta"]')).toHaveCount(1);
  await expect(messages.locator('li[data-key="lr"]')).toHaveCount(1);
  await page.locator('input[name="beta"]').fill('2');
  await page.locator('input[name="beta"]').press('Enter');
  await expect(messages.locator('li[data-key="beta"]')).toHaveCount(0);
  await expect(messages.locator('li[data-key="lr"]')).toHaveCount(1);
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
  // A large step size, so two steps already give the decoded image some structure to compare.
  await page.goto(`${SMALL}&lr=0.05`);
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
  // The PNGs must show what the page shows: decoded, and compared pixel by pixel with the canvases.
  const chart = await save('export-chart');
  expect(chart.name).toMatch(/\.png$/);
  const chartMatch = await compareChartPng(page, chart.bytes);
  expect(chartMatch.size).toBe(chartMatch.expectedSize);
  expect(chartMatch.inked).toBeGreaterThan(500);
  expect(chartMatch.differing, JSON.stringify(chartMatch)).toBeLessThanOrEqual(chartMatch.compared * 0.001);
  const latent = await save('export-latent');
  expect(latent.name).toMatch(/\.png$/);
  const latentMatch = await compareLatentPng(page, latent.bytes);
  for (const part of [latentMatch.pad, latentMatch.image]) {
    expect(part.size, JSON.stringify(latentMatch)).toBe(part.expectedSize);
    expect(part.inked, JSON.stringify(latentMatch)).toBeGreaterThan(20);
    expect(part.differing, JSON.stringify(latentMatch)).toBeLessThanOrEqual(part.compared * 0.01);
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
