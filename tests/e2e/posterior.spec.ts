import { test, expect, waitReady, trainSteps, readNumber } from './fixtures';
import type { Page } from '@playwright/test';

/** Reads the panel's three numbers and checks they are finite with gap ≥ 0 and gap = log p(x) − ELBO. */
async function expectFiniteNumbers(page: Page): Promise<void> {
  const panel = page.getByTestId('posterior-panel');
  await expect(panel.getByTestId('posterior-gap')).toBeVisible({ timeout: 60_000 });
  const logPx = await readNumber(page, 'posterior-log-px');
  const elbo = await readNumber(page, 'posterior-elbo');
  const gap = await readNumber(page, 'posterior-gap');
  for (const v of [logPx, elbo, gap]) expect(Number.isFinite(v)).toBe(true);
  expect(gap).toBeGreaterThanOrEqual(0);
  expect(logPx).toBeGreaterThanOrEqual(elbo - 0.01);
  expect(Math.abs(logPx - elbo - gap)).toBeLessThan(0.02);
}

/** Where on the pad (CSS px from its top-left) a test code is drawn: a saturated pixel of the codes' canvas. */
async function aDotOnThePad(page: Page): Promise<{ x: number; y: number }> {
  return page.getByTestId('latent-pad').locator('canvas').first().evaluate((canvas: HTMLCanvasElement) => {
    const ctx = canvas.getContext('2d')!;
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    // Start near the middle, where the codes are densest.
    for (let ring = 0; ring < width / 2; ring++) {
      for (let dy = -ring; dy <= ring; dy++) {
        for (const dx of [-ring, ring]) {
          const x = Math.floor(width / 2) + dx;
          const y = Math.floor(height / 2) + dy;
          if (x < 0 || y < 0 || x >= width || y >= height) continue;
          const i = 4 * (y * width + x);
          const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
          if (a > 150 && Math.max(r, g, b) - Math.min(r, g, b) > 80) return { x: x / scale, y: y / scale };
        }
      }
    }
    throw new Error('no test code drawn on the pad');
  });
}

test('hovering a test code previews its image; clicking it opens the posterior panel with finite numbers and gap ≥ 0', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=wasm');
  await waitReady(page);
  await trainSteps(page, 3);
  const pad = page.getByTestId('latent-pad');
  const box = (await pad.boundingBox())!;
  const dot = await aDotOnThePad(page);
  await page.mouse.move(box.x + dot.x, box.y + dot.y);
  const tip = page.getByTestId('pad-tooltip');
  await expect(tip).toBeVisible();
  await expect(tip.getByRole('img')).toBeVisible();
  const hovered = Number(await tip.getAttribute('data-index'));
  await page.mouse.down();
  await page.mouse.up();
  const panel = page.getByTestId('posterior-panel');
  await expect(panel).toHaveAttribute('data-index', String(hovered));
  await expectFiniteNumbers(page);
  await expect(panel.getByRole('img', { name: `Test image ${hovered}` })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`[?&]probe=${hovered}(&|$)`), { timeout: 5_000 });
  expect(consoleErrors).toEqual([]);
});

test('?probe=N opens with image N selected, without rebuilding the model', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=wasm&probe=1234');
  await waitReady(page);
  const panel = page.getByTestId('posterior-panel');
  await expect(panel).toHaveAttribute('data-index', '1234');
  // 1234 = 200·6 + 34: the 35th of the 6s.
  await expect(panel).toContainText('Image 1234: 6, number 35 of its 200 test images.');
  await expectFiniteNumbers(page);
  // Choosing another image changes the link but keeps the run.
  await trainSteps(page, 2);
  const input = page.getByLabel(/Test image #/);
  await input.fill('7');
  await input.press('Enter');
  await expect(panel).toHaveAttribute('data-index', '7');
  await expectFiniteNumbers(page);
  await expect(page).toHaveURL(/[?&]probe=7(&|$)/);
  expect(await readNumber(page, 'step')).toBe(2);
  expect(consoleErrors).toEqual([]);
});

test('a bad probe key gets a clear message and no panel', async ({ page }) => {
  await page.goto('./?backend=wasm&probe=abc');
  await waitReady(page);
  await expect(page.getByText(/probe/).first()).toBeVisible();
  await expect(page.getByTestId('posterior-panel')).toHaveCount(0);
});

test('keyboard: Enter on the pad probes the test image nearest the marker', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=wasm');
  await waitReady(page);
  // The codes arrive with the first evaluation, just after the decoder.
  await expect(page.getByRole('list', { name: 'Colours of the test codes by class' })).toBeVisible();
  const pad = page.getByTestId('latent-pad');
  await pad.focus();
  await pad.press('ArrowRight');
  await pad.press('Enter');
  const panel = page.getByTestId('posterior-panel');
  await expect(panel).toHaveAttribute('data-index', /^\d+$/);
  await expectFiniteNumbers(page);
  const first = await panel.getAttribute('data-index');
  // Move far along and probe again: another image.
  for (let i = 0; i < 4; i++) await pad.press('Shift+ArrowUp');
  await pad.press('Enter');
  await expect(panel).not.toHaveAttribute('data-index', first!);
  expect(consoleErrors).toEqual([]);
});

test('while training the panel refreshes itself; with a 3-D latent it shows q and says why p(z|x) is not drawn', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=wasm&probe=3');
  await waitReady(page);
  await expect(page.getByTestId('posterior-log-px')).toBeVisible();
  const before = await page.getByTestId('posterior-log-px').textContent();
  await page.getByTestId('play').click();
  await expect(page.getByTestId('posterior-log-px')).not.toHaveText(before!, { timeout: 15_000 });
  await page.getByTestId('play').click();
  await expectFiniteNumbers(page);

  await page.goto('./?backend=wasm&latent=3&probe=3');
  await waitReady(page);
  const panel = page.getByTestId('posterior-panel');
  await expect(panel).toContainText('The exact posterior is drawn only for a 2-D latent');
  await expect(panel.getByRole('row')).toHaveCount(4); // header + 3 dimensions
  await expect(panel.getByTestId('posterior-gap')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('training with the posterior panel and the live codes in view keeps every main-thread task under 50 ms', async ({ page, consoleErrors }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: string[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(`${Math.round(entry.duration)} ms at ${Math.round(entry.startTime)}`);
    }).observe({ type: 'longtask' });
  });
  // Tall enough that the pad, the chart and the panel are all on screen at once: everything refreshes.
  await page.setViewportSize({ width: 1280, height: 1800 });
  await page.goto('./?probe=1234&backend=wasm');
  await waitReady(page);
  const panel = page.getByTestId('posterior-panel');
  await expect(panel.getByTestId('posterior-gap')).toBeVisible({ timeout: 60_000 });
  // Loading and the first paints are not what this is about.
  await page.evaluate(() => ((window as unknown as { __longTasks: string[] }).__longTasks = []));
  await page.getByTestId('play').click();
  await expect(panel).toBeInViewport();
  await expect(page.getByTestId('latent-pad')).toBeInViewport();
  const start = await readNumber(page, 'step');
  // Long enough for several autosaves (every 5 s), posterior refreshes and code refreshes (about 1 s each).
  await page.waitForTimeout(12_000);
  await page.getByTestId('play').click();
  expect(await readNumber(page, 'step')).toBeGreaterThan(start + 50);
  await expect(page.getByTestId('latent-pad')).toHaveAttribute('data-points', '2000');
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: string[] }).__longTasks);
  expect(longTasks, 'main-thread tasks over 50 ms').toEqual([]);
  expect(consoleErrors).toEqual([]);
});
