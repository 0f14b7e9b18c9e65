import type { Page } from '@playwright/test';
import { test, expect, readNumber } from './fixtures';

/** The decoded image's pixels, as a string to compare. */
async function decodedPixels(page: Page): Promise<string> {
  return page.getByTestId('decoded').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let out = '';
    for (let i = 0; i < data.length; i += 4) out += data[i].toString(16).padStart(2, '0');
    return out;
  });
}

test('trains on WebGL in the worker: steps rise, the loss falls, pause stops', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=webgl');
  const play = page.getByTestId('play');
  await expect(play).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByTestId('backend')).toHaveText('webgl');
  await expect(page.getByTestId('loss-total')).toHaveText('–');

  await play.click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  const early = await readNumber(page, 'loss-total');
  expect(Number.isFinite(early)).toBe(true);
  await expect.poll(() => readNumber(page, 'step'), { timeout: 120_000 }).toBeGreaterThanOrEqual(12);
  const later = await readNumber(page, 'loss-total');
  expect(later).toBeLessThan(early);
  for (const id of ['loss-recon', 'loss-kl', 'loss-total']) {
    expect(await page.getByTestId(id).textContent()).toMatch(/^-?\d+(\.\d+)?$/);
  }

  await play.click(); // pause
  await expect(play).toHaveText(/Play/);
  await page.waitForTimeout(1500); // let a step already under way finish
  const paused = await readNumber(page, 'step');
  await page.waitForTimeout(3000);
  expect(await readNumber(page, 'step')).toBe(paused);
  expect(consoleErrors).toEqual([]);
});

test('dragging the latent pad and pressing arrow keys change the decoded image', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=webgl');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 60_000 });
  const pad = page.getByTestId('latent-pad');
  await expect(page.getByText('Decoded image', { exact: true })).toBeVisible();
  const before = await decodedPixels(page);

  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.1, { steps: 8 });
  await page.mouse.up();
  const dragged = await decodedPixels(page);
  expect(dragged).not.toBe(before);

  await pad.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('Shift+ArrowLeft');
  const keyed = await decodedPixels(page);
  expect(keyed).not.toBe(dragged);
  await expect(pad).toHaveAttribute('aria-valuetext', /z0 = -?\d/);
  expect(consoleErrors).toEqual([]);
});

test('Step trains exactly one batch', async ({ page }) => {
  await page.goto('./?backend=webgl');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('step-button').click();
  await expect(page.getByTestId('step')).toHaveText('1', { timeout: 60_000 });
  await expect(page.getByTestId('loss-total')).toHaveText(/^\d+\.\d+$/);
});

test('a corrupt data file gives a clear error on the page, not a blank screen', async ({ page }) => {
  await page.route('**/data/mnist.bin', (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('definitely not digits') }));
  await page.goto('./?backend=cpu');
  await expect(page.getByTestId('error')).toContainText(/not a packed digit file|too short/i, { timeout: 60_000 });
  await expect(page.getByTestId('play')).toBeDisabled();
});

test('a missing data file names the problem', async ({ page }) => {
  await page.route('**/data/mnist.bin', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('./?backend=cpu');
  await expect(page.getByTestId('error')).toContainText(/HTTP 404/, { timeout: 60_000 });
});

test('auto picks a backend by measuring, and says why', async ({ page, consoleErrors }) => {
  await page.goto('./');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  await expect(page.getByTestId('backend')).toHaveText(/^(webgl|wasm)$/);
  await expect(page.getByTestId('backend-notes')).toContainText(/webgl skipped: its renderer, \w+, draws in software|auto timed/);
  expect(consoleErrors).toEqual([]);
});

test('reconstructions, prior samples and the decoded-grid view render from the model', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=wasm&hidden=64,32');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByTestId('reconstructions').locator('canvas')).toHaveCount(20);
  const samples = page.getByTestId('prior-samples').locator('canvas');
  await expect(samples).toHaveCount(12);
  const firstSample = () => samples.first().evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, 28, 28).data.filter((_, i) => i % 4 === 0)).join(','));
  const before = await firstSample();
  await page.getByTestId('resample').click();
  await expect.poll(firstSample).not.toBe(before);

  // The grid view paints decoded tiles over the whole pad: many distinct grey levels, not an empty background.
  await page.getByTestId('pad-view-grid').check();
  await expect
    .poll(
      () =>
        page.getByTestId('latent-pad').locator('canvas').evaluate((c: HTMLCanvasElement) => {
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          const greys = new Set<number>();
          for (let i = 0; i < data.length; i += 4 * 97) greys.add(data[i]);
          return greys.size;
        }),
      { timeout: 20_000 },
    )
    .toBeGreaterThan(30);
  expect(consoleErrors).toEqual([]);
});

test('a lost WebGL context moves training to wasm and keeps the progress', async ({ page }) => {
  await page.goto('./?backend=webgl&hidden=64,32');
  const play = page.getByTestId('play');
  await expect(play).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByTestId('backend')).toHaveText('webgl');
  await play.click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 90_000 }).toBeGreaterThanOrEqual(5);
  // Let a weight snapshot land (every 300 ms), then take the GPU away from tfjs inside the worker.
  await page.waitForTimeout(800);
  const worker = page.workers().find((w) => w.url().includes('training.worker'));
  expect(worker).toBeTruthy();
  await worker!.evaluate(() => {
    const engine = (globalThis as unknown as { _tfengine: { registry: Record<string, { gpgpu: { gl: WebGL2RenderingContext } }> } })._tfengine;
    engine.registry.webgl.gpgpu.gl.getExtension('WEBGL_lose_context')!.loseContext();
  });
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('notice')).toContainText('GPU context was lost');
  const after = await readNumber(page, 'step');
  expect(after).toBeGreaterThanOrEqual(5);
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(after + 5);
  await expect(page.getByTestId('loss-total')).toHaveText(/^\d+\.\d+$/);
});

test('a loss that blows up pauses training with a message, and no NaN is ever shown', async ({ page }) => {
  await page.goto('./?opt=sgd&lr=1&hidden=64,32&backend=wasm');
  const play = page.getByTestId('play');
  await expect(play).toBeEnabled({ timeout: 60_000 });
  await play.click();
  await expect(page.getByTestId('notice')).toContainText(/non-finite/, { timeout: 60_000 });
  await expect(page.getByTestId('notice')).toContainText(/smaller learning rate/);
  await expect(play).toHaveText(/Play/);
  for (const id of ['loss-recon', 'loss-kl', 'loss-total', 'test-recon', 'test-kl', 'test-neg-elbo']) {
    await expect(page.getByTestId(id)).not.toHaveText(/NaN|Infinity/);
  }
  // The weights were rolled back: a sane learning rate trains on from there.
  await page.locator('input[name="lr"]').fill('0.0001');
  await page.locator('input[name="lr"]').press('Enter');
  const stepBefore = await readNumber(page, 'step');
  await play.click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(stepBefore + 3);
  await expect(page.getByTestId('loss-total')).toHaveText(/^\d+\.\d+$/);
});
