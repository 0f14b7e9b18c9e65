import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, waitReady, readNumber } from './fixtures';

/** Red channel (0–255) of every 28×28 canvas inside `testId`, in page order. */
function tiles(page: Page, testId: string): Promise<number[][]> {
  return page
    .getByTestId(testId)
    .locator('canvas')
    .evaluateAll((canvases: HTMLCanvasElement[]) =>
      canvases.map((c) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        return Array.from({ length: data.length / 4 }, (_, i) => data[4 * i]);
      }),
    );
}

/** The panel's "Decoded at μ" tile (the worker's reconstruction at z = μ). */
async function panelReconstruction(page: Page): Promise<number[]> {
  const all = await tiles(page, 'posterior-panel');
  return all[1];
}

const meanAbs = (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

async function probe(page: Page, index: number): Promise<void> {
  const input = page.getByLabel(/Test image #/);
  await input.fill(String(index));
  await input.press('Enter');
  const panel = page.getByTestId('posterior-panel');
  await expect(panel).toHaveAttribute('data-index', String(index));
  await expect(panel.getByTestId('posterior-gap')).toBeVisible({ timeout: 60_000 });
}

async function stroke(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const pad = page.getByTestId('draw-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 12 });
  await page.mouse.up();
}

test('two probed test images as A and B: ten decodes along the line, ends match their reconstructions', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=wasm&probe=1000');
  await waitReady(page);
  await expect(page.getByTestId('interpolation')).toHaveCount(0);
  // Train a little, so different codes decode to visibly different images, then pause: the page gets the final weights.
  await page.getByTestId('play').click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(150);
  await page.getByTestId('play').click();
  let last = -1;
  await expect.poll(async () => {
    const step = await readNumber(page, 'step');
    const settled = step === last;
    last = step;
    return settled;
  }, { intervals: [500], timeout: 15_000 }).toBe(true);

  await probe(page, 3);
  const panel = page.getByTestId('posterior-panel');
  await panel.getByRole('button', { name: 'Set as A' }).click();
  await expect(page.getByTestId('interp-a')).toHaveText('test image 3');
  await probe(page, 1000);
  // With the keyboard: focus "Set as B" and press Enter.
  await panel.getByRole('button', { name: 'Set as B' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('interp-b')).toHaveText('test image 1000');

  const strip = page.getByTestId('interpolation');
  await expect(strip.locator('canvas')).toHaveCount(10);
  await expect(strip.getByRole('img', { name: /^A: decoded at test image 3/ })).toBeVisible();
  await expect(strip.getByRole('img', { name: /^B: decoded at test image 1000/ })).toBeVisible();

  // The end tiles are the images' reconstructions (same weights, decoded on the page instead of in the worker).
  const reconB = await panelReconstruction(page);
  const strip1 = await tiles(page, 'interpolation');
  const endB = meanAbs(strip1[9], reconB);
  await probe(page, 3);
  const reconA = await panelReconstruction(page);
  const endA = meanAbs(strip1[0], reconA);
  const middleFromA = meanAbs(strip1[4], strip1[0]);
  const middleFromB = meanAbs(strip1[4], strip1[9]);
  console.log(`step ${await readNumber(page, 'step')}: ends vs reconstructions A ${endA.toFixed(3)}, B ${endB.toFixed(3)}; middle vs A ${middleFromA.toFixed(2)}, vs B ${middleFromB.toFixed(2)} (mean |Δ|, 0–255)`);
  expect(endA).toBeLessThan(1);
  expect(endB).toBeLessThan(1);
  expect(middleFromA).toBeGreaterThan(3);
  expect(middleFromB).toBeGreaterThan(3);

  // Training moves the encoder: the two ends' codes follow it (the live codes refresh about once a second).
  const codes = page.getByTestId('interp-codes');
  const picked = (await codes.textContent())!;
  await page.getByTestId('play').click();
  await expect(codes).not.toHaveText(picked, { timeout: 30_000 });
  await page.getByTestId('play').click();
  expect(consoleErrors).toEqual([]);
});

test('a drawing: probed in the posterior panel (finite log p(x), gap ≥ 0) and usable as an end of the walk', async ({ page, consoleErrors }, testInfo) => {
  await page.goto('./?backend=wasm');
  await waitReady(page);
  const button = page.getByTestId('probe-drawing');
  await expect(button).toBeDisabled();
  await stroke(page, [0.5, 0.15], [0.5, 0.85]);
  await expect(button).toBeEnabled();
  await button.click();
  const panel = page.getByTestId('posterior-panel');
  await expect(panel).toHaveAttribute('data-index', 'drawing');
  await expect(panel).toContainText('Your drawing');
  await expect(panel.getByTestId('posterior-gap')).toBeVisible({ timeout: 60_000 });
  const logPx = await readNumber(page, 'posterior-log-px');
  const elbo = await readNumber(page, 'posterior-elbo');
  const gap = await readNumber(page, 'posterior-gap');
  for (const v of [logPx, elbo, gap]) expect(Number.isFinite(v)).toBe(true);
  expect(gap).toBeGreaterThanOrEqual(0);
  expect(Math.abs(logPx - elbo - gap)).toBeLessThan(0.02);
  await expect(panel.getByRole('img', { name: 'Your drawing' })).toBeVisible();
  // The probe input stays empty: no test image is selected.
  await expect(page.getByLabel(/Test image #/)).toHaveValue('');

  await page.getByRole('button', { name: 'Use drawing as A' }).click();
  await panel.getByRole('button', { name: 'Set as B' }).click();
  await expect(page.getByTestId('interp-a')).toHaveText('your drawing');
  await expect(page.getByTestId('interp-b')).toHaveText('your drawing');
  await expect(page.getByTestId('interpolation').locator('canvas')).toHaveCount(10);

  const { violations } = await new AxeBuilder({ page }).include('[aria-labelledby="latent-title"]').analyze();
  expect(violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(' ')}`))).toEqual([]);
  await page.locator('[aria-labelledby="probe-title"]').screenshot({ path: testInfo.outputPath('interpolate-probe-drawing-1280.png') });
  await page.locator('[aria-labelledby="draw-title"]').screenshot({ path: testInfo.outputPath('interpolate-draw-1280.png') });

  // Picking a test image replaces the drawing in the panel.
  await probe(page, 7);
  expect(consoleErrors).toEqual([]);
});

for (const theme of ['light', 'dark'] as const) {
  test.describe(`at 390 px, ${theme}`, () => {
    test.use({ viewport: { width: 390, height: 844 } });
    test('the strip fits the screen and passes axe', async ({ page, consoleErrors }, testInfo) => {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('./?backend=wasm&probe=3');
      await waitReady(page);
      const panel = page.getByTestId('posterior-panel');
      await expect(panel.getByTestId('posterior-gap')).toBeVisible({ timeout: 60_000 });
      await panel.getByRole('button', { name: 'Set as A' }).click();
      await probe(page, 1500);
      await panel.getByRole('button', { name: 'Set as B' }).click();
      const strip = page.getByTestId('interpolation');
      await strip.scrollIntoViewIfNeeded();
      await expect(strip.locator('canvas')).toHaveCount(10);
      const last = (await strip.locator('canvas').nth(9).boundingBox())!;
      expect(last.x + last.width).toBeLessThanOrEqual(390);
      expect(last.width).toBeGreaterThan(20);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.locator('[aria-labelledby="interp-title"]').screenshot({ path: testInfo.outputPath(`interpolate-390-${theme}.png`) });
      const { violations } = await new AxeBuilder({ page }).include('[aria-labelledby="latent-title"]').analyze();
      expect(violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(' ')}`))).toEqual([]);
      expect(consoleErrors).toEqual([]);
    });
  });
}
