import type { Page } from '@playwright/test';
import { test, expect, readNumber, decodedPixelsHex } from './fixtures';

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
  const before = await decodedPixelsHex(page);

  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.1, { steps: 8 });
  await page.mouse.up();
  const dragged = await decodedPixelsHex(page);
  expect(dragged).not.toBe(before);

  await pad.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('Shift+ArrowLeft');
  const keyed = await decodedPixelsHex(page);
  expect(keyed).not.toBe(dragged);
  await expect(pad).toHaveAttribute('aria-valuetext', /z0 = -?\d/);
  expect(consoleErrors).toEqual([]);
});

test('Step trains exactly one batch, and no more', async ({ page }) => {
  await page.goto('./?backend=wasm&hidden=64,32');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('step-button').click();
  await expect(page.getByTestId('step')).toHaveText('1', { timeout: 60_000 });
  await expect(page.getByTestId('loss-total')).toHaveText(/^\d+\.\d+$/);
  // A step that kept training would show here within a couple of seconds.
  await page.waitForTimeout(2000);
  await expect(page.getByTestId('step')).toHaveText('1');
  await page.getByTestId('step-button').click();
  await expect(page.getByTestId('step')).toHaveText('2', { timeout: 60_000 });
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('step')).toHaveText('2');
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

/** The step a notice quotes ("… step 123 …", the last one named). */
async function quotedStep(page: Page, pattern: RegExp): Promise<number> {
  const text = (await page.getByTestId('notice').textContent()) ?? '';
  const match = pattern.exec(text);
  expect(match, `notice: ${text}`).not.toBeNull();
  return Number(match![1]);
}

test('a lost WebGL context moves training to wasm at the last checkpoint, with its step and the live settings', async ({ page }) => {
  await page.goto('./?backend=webgl&hidden=64,32');
  const play = page.getByTestId('play');
  await expect(play).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByTestId('backend')).toHaveText('webgl');
  // Live settings changed before the loss must survive the move.
  await page.locator('input[name="beta"]').fill('3');
  await page.locator('input[name="beta"]').press('Enter');
  await play.click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 90_000 }).toBeGreaterThanOrEqual(8);
  // Checkpoints are read every few seconds (less often when reading is slow): wait for one past step 5.
  await expect.poll(async () => Number((await page.getByTestId('step').getAttribute('data-checkpoint-step')) || -1), { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  const worker = page.workers().find((w) => w.url().includes('training.worker'));
  expect(worker).toBeTruthy();
  await worker!.evaluate(() => {
    const engine = (globalThis as unknown as { _tfengine: { registry: Record<string, { gpgpu: { gl: WebGL2RenderingContext } }> } })._tfengine;
    engine.registry.webgl.gpgpu.gl.getExtension('WEBGL_lose_context')!.loseContext();
  });
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('notice')).toContainText('GPU context was lost');
  const checkpointStep = await quotedStep(page, /checkpoint \(step (\d+)\)/);
  expect(checkpointStep).toBeGreaterThanOrEqual(5);
  // Training carries on from the checkpoint's step, with β = 3 still in force.
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(checkpointStep + 5);
  await expect(page.getByTestId('loss-total')).toHaveText(/^\d+\.\d+$/);
  // The worker reports the β each step used: still 3 on the rebuilt trainer.
  await expect(page.locator('.readout.total .label')).toContainText('3.00·KL');
});

test('a loss that blows up pauses training with a message, and no NaN is ever shown', async ({ page }) => {
  await page.goto('./?opt=sgd&lr=1&hidden=64,32&backend=wasm');
  const play = page.getByTestId('play');
  await expect(play).toBeEnabled({ timeout: 60_000 });
  await play.click();
  await expect(page.getByTestId('notice')).toContainText(/non-finite|jumped/, { timeout: 60_000 });
  await expect(page.getByTestId('notice')).toContainText(/smaller learning rate/);
  await expect(play).toHaveText(/Play/);
  for (const id of ['loss-recon', 'loss-kl', 'loss-total', 'test-recon', 'test-kl', 'test-neg-elbo']) {
    await expect(page.getByTestId(id)).not.toHaveText(/NaN|Infinity|\d{8,}/);
  }
  // The weights were rolled back: a sane learning rate trains on from there.
  await page.locator('input[name="lr"]').fill('0.0001');
  await page.locator('input[name="lr"]').press('Enter');
  const stepBefore = await readNumber(page, 'step');
  await play.click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(stepBefore + 3);
  await expect(page.getByTestId('loss-total')).toHaveText(/^\d+\.\d+$/);
});

test('a run that explodes mid-way goes back to the checkpoint before the explosion, step included, and the chart keeps its history', async ({ page }) => {
  await page.goto('./?hidden=64,32&backend=wasm');
  const play = page.getByTestId('play');
  await expect(play).toBeEnabled({ timeout: 60_000 });
  await play.click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 90_000 }).toBeGreaterThanOrEqual(60);
  await expect.poll(async () => Number((await page.getByTestId('step').getAttribute('data-checkpoint-step')) || -1), { timeout: 60_000 }).toBeGreaterThanOrEqual(60);
  // A learning rate this large with Adam sends −ELBO from hundreds to billions in a step or two, yet stays finite.
  await page.locator('input[name="lr"]').fill('0.5');
  await page.locator('input[name="lr"]').press('Enter');
  await expect(page.getByTestId('notice')).toContainText(/jumped to/, { timeout: 60_000 });
  await expect(play).toHaveText(/Play/);
  const wentBackTo = await quotedStep(page, /went back to step (\d+)/);
  // Rolled back to real progress, not re-initialised…
  expect(wentBackTo).toBeGreaterThanOrEqual(60);
  // …and the counter is the checkpoint's step: the step is a fact about the weights.
  await expect.poll(() => readNumber(page, 'step')).toBe(wentBackTo);
  // The chart keeps what happened: steps up to the checkpoint as the run, the rest drawn apart as rolled back.
  const chart = page.getByTestId('loss-chart-points');
  expect(Number(await chart.getAttribute('data-steps'))).toBeLessThanOrEqual(wentBackTo);
  expect(Number(await chart.getAttribute('data-steps'))).toBeGreaterThan(0);
  expect(Number(await chart.getAttribute('data-discarded'))).toBeGreaterThan(0);
  await page.getByTestId('chart-log-scale').check();
  for (const id of ['loss-recon', 'loss-kl', 'loss-total']) {
    await expect(page.getByTestId(id)).not.toHaveText(/NaN|Infinity|\d{8,}/);
  }
  await page.locator('input[name="lr"]').fill('0.001');
  await page.locator('input[name="lr"]').press('Enter');
  await play.click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(wentBackTo + 5);
  const total = await readNumber(page, 'loss-total');
  expect(total).toBeLessThan(400);
});
