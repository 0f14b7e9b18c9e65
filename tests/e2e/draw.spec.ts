import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, waitReady } from './fixtures';

/** The reconstruction tile's pixels (red channel, hex). */
function reconstructionHex(page: Page): Promise<string> {
  return page.getByTestId('draw-reconstruction').locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let out = '';
    for (let i = 0; i < data.length; i += 4) out += data[i].toString(16).padStart(2, '0');
    return out;
  });
}

const BLANK = '00'.repeat(784);
const MU = /^μ = \(−?\d+\.\d\d, −?\d+\.\d\d\)$/;

/** A mouse stroke across the draw pad between two points given as fractions of its size. */
async function stroke(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const pad = page.getByTestId('draw-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 12 });
  await page.mouse.up();
}

test('a stroke on the draw pad is encoded: μ, its marker on the latent pad and a reconstruction; Clear resets', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=wasm');
  await waitReady(page);
  const mu = page.getByTestId('draw-mu');
  await expect(mu).toHaveText('μ = –');
  await expect(page.getByTestId('draw-hint')).toHaveText(/Nothing drawn yet/);
  expect(await reconstructionHex(page)).toBe(BLANK);

  await stroke(page, [0.5, 0.15], [0.5, 0.85]); // a "1"
  await expect(mu).toHaveText(MU);
  const first = await mu.textContent();
  const firstPixels = await reconstructionHex(page);
  expect(firstPixels).not.toBe(BLANK);
  await expect(page.getByTestId('draw-marker')).toBeVisible();

  await stroke(page, [0.15, 0.2], [0.85, 0.2]); // a bar across the top: now a "7"
  await expect(mu).not.toHaveText(first!);
  await expect(mu).toHaveText(MU);
  await expect.poll(() => reconstructionHex(page)).not.toBe(firstPixels);

  await page.getByTestId('draw-clear').click();
  await expect(mu).toHaveText('μ = –');
  await expect(page.getByTestId('draw-marker')).toHaveCount(0);
  await expect(page.getByTestId('draw-hint')).toHaveText(/Cleared/);
  expect(await reconstructionHex(page)).toBe(BLANK);
  // Clear is a real button, reachable from the keyboard.
  await page.getByTestId('draw-clear').focus();
  await page.keyboard.press('Enter');
  await expect(mu).toHaveText('μ = –');
  expect(consoleErrors).toEqual([]);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the draw pad fits at 390 px and a finger stroke is encoded', async ({ page, consoleErrors }) => {
    await page.goto('./?backend=wasm');
    await waitReady(page);
    const pad = page.getByTestId('draw-pad');
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(140);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(390);
    for (const id of ['draw-reconstruction', 'draw-mu', 'draw-clear']) {
      const b = (await page.getByTestId(id).boundingBox())!;
      expect(b.x + b.width, id).toBeLessThanOrEqual(390);
    }

    // A real touch drag through the browser's input pipeline (touch → pointer events).
    const cdp = await page.context().newCDPSession(page);
    const at = (t: number) => [{ x: box.x + box.width * 0.5, y: box.y + box.height * (0.15 + 0.7 * t) }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
    for (let i = 1; i <= 10; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(i / 10) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await expect(page.getByTestId('draw-mu')).toHaveText(MU);
    expect(await reconstructionHex(page)).not.toBe(BLANK);
    // The finger drew instead of scrolling the page: the pad is where it was on screen. A scroll
    // would move it by about the stroke's length (over 100 px); content above it that grows as
    // training numbers arrive is absorbed by the browser's scroll anchoring, to within a pixel.
    expect(Math.abs((await pad.boundingBox())!.y - box.y)).toBeLessThan(4);
    expect(consoleErrors).toEqual([]);
  });
});

for (const theme of ['light', 'dark'] as const) {
  test(`the latent card with a drawing encoded passes axe: ${theme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto('./?backend=wasm');
    await waitReady(page);
    await stroke(page, [0.3, 0.2], [0.7, 0.8]);
    await expect(page.getByTestId('draw-mu')).toHaveText(MU);
    const { violations } = await new AxeBuilder({ page }).include('[aria-labelledby="latent-title"]').analyze();
    expect(violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(' ')}`))).toEqual([]);
  });
}
