import { test, expect, waitReady, readNumber } from './fixtures';
import type { Page } from '@playwright/test';

/** A fingerprint of what the pad's codes canvas shows (changes when any code moves on screen). */
async function padPicture(page: Page): Promise<number> {
  return page.getByTestId('latent-pad').locator('canvas').first().evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 0;
    for (let i = 0; i < data.length; i++) hash = (Math.imul(hash, 31) + data[i]) | 0;
    return hash;
  });
}

test('latent 4: KL bars per dimension, two picked bars go on the pad, traversal rows for the active ones', async ({ page, consoleErrors }) => {
  await page.goto('./?latent=4&hidden=64,32&backend=wasm');
  await waitReady(page);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('epoch')).not.toHaveText('0', { timeout: 90_000 });
  await page.getByTestId('play').click();

  const bars = page.getByTestId('kl-bars');
  await expect(bars.getByRole('button')).toHaveCount(4);
  const active = await bars.locator('button[data-active="true"]').count();
  expect(active).toBeGreaterThan(0);

  const pad = page.getByTestId('latent-pad');
  await expect(pad).toHaveAttribute('aria-valuetext', /^z0 = .*, z1 = /);
  await bars.getByRole('button', { name: /^z3:/ }).click();
  await expect(bars.getByRole('button', { name: /^z3:/ })).toHaveAttribute('aria-pressed', 'true');
  // Keyboard works too: focus z2 and press Space.
  await bars.getByRole('button', { name: /^z2:/ }).focus();
  await page.keyboard.press('Space');
  await expect(pad).toHaveAttribute('aria-valuetext', /^z3 = .*, z2 = /);
  await expect(page).toHaveURL(/[?&]padx=3(&|$)/, { timeout: 5_000 });
  await expect(bars.getByRole('button', { name: /^z3:.*x axis/ })).toBeVisible();

  const rows = page.getByTestId('traversals').getByRole('listitem');
  await expect(rows).toHaveCount(active);
  // The rows are drawn: not blank canvases.
  const spread = await rows.first().locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let min = 255;
    let max = 0;
    for (let i = 0; i < data.length; i += 4) {
      min = Math.min(min, data[i]);
      max = Math.max(max, data[i]);
    }
    return max - min;
  });
  expect(spread).toBeGreaterThan(50);
  expect(consoleErrors).toEqual([]);
});

test('default latent: the 2,000 test codes move on the pad while training, before the first epoch ends', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=wasm');
  await waitReady(page);
  const pad = page.getByTestId('latent-pad');
  await expect(pad).toHaveAttribute('data-points', '2000');
  const before = await padPicture(page);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('step')).not.toHaveText('0', { timeout: 30_000 });
  const started = Date.now();
  await expect.poll(() => padPicture(page), { timeout: 2_500, intervals: [100] }).not.toBe(before);
  const waited = Date.now() - started;
  expect(await readNumber(page, 'epoch')).toBe(0);
  await expect(pad).toHaveAttribute('data-points', '2000');
  // And again a second or so later: refreshed continuously, not once.
  const second = await padPicture(page);
  await expect.poll(() => padPicture(page), { timeout: 2_500, intervals: [100] }).not.toBe(second);
  expect(await readNumber(page, 'epoch')).toBe(0);
  const ms = await page.locator('[data-codes-ms]').getAttribute('data-codes-ms');
  console.log(`codes moved ${waited} ms after the first step; one codes refresh took ${ms} ms in the worker`);
  await page.getByTestId('play').click();
  expect(consoleErrors).toEqual([]);
});

test('the KL bars and traversals pass axe in light and dark, at 1280 and 390 px', async ({ page }) => {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  await page.goto('./?latent=4&hidden=32&batch=32&backend=cpu');
  await waitReady(page);
  await expect(page.getByTestId('kl-bars').getByRole('button')).toHaveCount(4);
  const found: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: theme });
      await page.getByTestId('kl-bars').getByRole('button').first().click(); // one picked: its pressed state is audited too
      const { violations } = await new AxeBuilder({ page }).include('[data-testid="kl-bars"]').include('[data-testid="traversals"]').analyze();
      found.push(...violations.map((v) => `${theme} ${width}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
      await page.getByTestId('kl-bars').getByRole('button').first().click();
    }
  }
  expect(found).toEqual([]);
});
