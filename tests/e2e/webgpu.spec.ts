import { chromium, type Browser, type Page } from '@playwright/test';
import config from './playwright.config';
import { test, expect, readNumber } from './fixtures';

/**
 * WebGPU in the training worker. Headless Chromium here has no GPU, but with
 * these flags it hands out SwiftShader's software WebGPU adapter: slow, yet
 * the same tfjs webgpu backend and WGSL programs a real GPU runs, so enough
 * to prove the app trains correctly on it. The default launch has no adapter.
 */
const WITH_WEBGPU = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

async function launchWith(args: string[]): Promise<Browser> {
  const base = config.use?.launchOptions ?? {};
  return chromium.launch({ ...base, args: [...(base.args ?? []), ...args] });
}

/** The worker's tensor count at its latest metrics message, and the step it was taken at. */
function lastTensorCount(page: Page): Promise<{ step: number; numTensors: number } | null> {
  return page.evaluate(() => {
    const marks = performance.getEntriesByName('vae:tensors') as PerformanceMark[];
    const mark = marks.at(-1);
    return mark ? (mark.detail as { step: number; numTensors: number }) : null;
  });
}

/** The step the next tensor count is reported at, at least `step`. */
async function tensorCountAfter(page: Page, step: number): Promise<{ step: number; numTensors: number }> {
  await expect.poll(async () => (await lastTensorCount(page))?.step ?? -1, { timeout: 120_000 }).toBeGreaterThanOrEqual(step);
  return (await lastTensorCount(page))!;
}

function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** A small model on `?backend=webgpu`, ready to train on webgpu; errors collects the page's and the console's. */
async function openOnWebGpu(browser: Browser, baseURL: string | undefined) {
  const page = await browser.newPage({ baseURL });
  const errors = pageErrors(page);
  await page.goto('./?backend=webgpu&hidden=64,32&batch=64');
  const play = page.getByTestId('play');
  await expect(play).toBeEnabled({ timeout: 90_000 });
  await expect(page.getByTestId('backend')).toHaveText('webgpu');
  return { page, errors, play };
}

test.describe('with a (software) WebGPU adapter', () => {
  let browser: Browser;
  test.beforeAll(async () => {
    browser = await launchWith(WITH_WEBGPU);
  });
  test.afterAll(async () => {
    await browser.close();
  });

  test('a webgpu link trains on webgpu: the loss falls, every number is finite, the tensor count stays flat', async ({ baseURL }) => {
    const { page, errors, play } = await openOnWebGpu(browser, baseURL);
    await expect(page.getByTestId('backend-notes')).toHaveCount(0); // it started as asked, nothing skipped
    // The worker's tfjs really runs on webgpu (the label is the worker's word for it).
    const worker = page.workers().find((w) => w.url().includes('training.worker'));
    expect(await worker!.evaluate(() => (globalThis as unknown as { _tfengine: { backendName: string } })._tfengine.backendName)).toBe('webgpu');

    await play.click();
    await expect.poll(() => readNumber(page, 'step'), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
    const coldStartMs = await page.evaluate(() => performance.getEntriesByName('vae:first-step')[0].startTime);
    const early = await readNumber(page, 'loss-total');
    expect(Number.isFinite(early)).toBe(true);
    const from = await tensorCountAfter(page, 10);
    const to = await tensorCountAfter(page, from.step + 30);
    const later = await readNumber(page, 'loss-total');
    await play.click();
    expect(later).toBeLessThan(early * 0.8);
    expect(to.numTensors).toBe(from.numTensors);
    for (const id of ['loss-recon', 'loss-kl', 'loss-total']) {
      expect(await page.getByTestId(id).textContent()).toMatch(/^-?\d+(\.\d+)?$/);
    }
    const samplesPerSecond = await readNumber(page, 'samples-per-second');
    expect(samplesPerSecond).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    console.log(`webgpu (SwiftShader): cold start ${coldStartMs.toFixed(0)} ms to the first step; ${samplesPerSecond} samples/s; loss ${early} → ${later} over steps 3 → ${to.step}; ${to.numTensors} tensors at steps ${from.step} and ${to.step}`);
    await page.close();
  });

  test('a lost WebGPU device moves training to wasm at the last checkpoint', async ({ baseURL }) => {
    const { page, errors, play } = await openOnWebGpu(browser, baseURL);
    await play.click();
    // Checkpoints are read every few seconds: wait for one past step 5.
    await expect.poll(async () => Number((await page.getByTestId('step').getAttribute('data-checkpoint-step')) || -1), { timeout: 120_000 }).toBeGreaterThanOrEqual(5);
    const worker = page.workers().find((w) => w.url().includes('training.worker'));
    // Chromium cannot make a real device loss on demand; destroy() resolves the same `lost` promise.
    await worker!.evaluate(() => {
      const engine = (globalThis as unknown as { _tfengine: { registry: Record<string, { device: GPUDevice }> } })._tfengine;
      engine.registry.webgpu.device.destroy();
    });
    await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
    await expect(page.getByTestId('notice')).toContainText('GPU context was lost');
    const notice = (await page.getByTestId('notice').textContent()) ?? '';
    const checkpointStep = Number(/checkpoint \(step (\d+)\)/.exec(notice)?.[1]);
    expect(checkpointStep).toBeGreaterThanOrEqual(5);
    // It keeps training, with no error shown: reads the lost device failed are the move's to handle.
    await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(checkpointStep + 5);
    await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('error')).toHaveCount(0);
    await expect(page.getByTestId('loss-total')).toHaveText(/^\d+\.\d+$/);
    // A new model on auto: the lost device is not tried again in this tab.
    await page.locator('select[name="backend"]').selectOption('auto');
    await page.getByRole('button', { name: 'Discard and rebuild' }).click();
    await expect(page.getByTestId('backend-notes')).toContainText('webgpu skipped: its GPU device was lost earlier in this tab', { timeout: 60_000 });
    await expect(page.getByTestId('backend')).toHaveText('wasm');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('auto skips the software adapter without timing it and says why', async ({ baseURL }) => {
    const page = await browser.newPage({ baseURL });
    await page.goto('./?hidden=32&batch=32');
    await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
    await expect(page.getByTestId('backend')).not.toHaveText('webgpu');
    await expect(page.getByTestId('backend-notes')).toContainText('webgpu skipped: its adapter, SwiftShader, computes in software (slower than wasm)');
    await page.close();
  });
});

test('without WebGPU, a webgpu link falls back and the page says why', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=webgpu&hidden=32&batch=32');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  await expect(page.getByTestId('backend')).toHaveText(/^(webgl|wasm)$/);
  await expect(page.getByTestId('backend-notes')).toContainText(/webgpu skipped: (this browser has no WebGPU|WebGPU found no graphics adapter)/);
  await page.getByTestId('step-button').click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBe(1);
  expect(consoleErrors).toEqual([]);
});
