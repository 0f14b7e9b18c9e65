import type { Page } from '@playwright/test';
import { test, expect, readNumber } from './fixtures';

/** A fingerprint of what the data plot's canvas shows. */
function plotFingerprint(page: Page): Promise<string> {
  return page.getByTestId('data-plot').evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());
}

/** Counts the canvas's pixels that are not blank (any ink at all). */
function inkedPixels(page: Page): Promise<number> {
  return page.getByTestId('data-plot').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
    return count;
  });
}

test('?data=moons trains, and the data plot shows the data, the samples (refreshed while training) and the pad\'s point', async ({ page, consoleErrors }) => {
  await page.goto('./?data=moons&hidden=64,64&backend=cpu');
  const plot = page.getByTestId('data-plot');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  await expect(plot).toHaveAttribute('data-points', '2000', { timeout: 30_000 });
  await expect(plot).toHaveAttribute('data-samples', '500', { timeout: 30_000 });
  await expect(page.getByText('Decoder means of 500 codes z ~ N(0, I)')).toBeVisible();
  expect(await inkedPixels(page)).toBeGreaterThan(2000);

  // Views that draw images are gone; the reconstruction setting is replaced by a note; the loss is in nats per point.
  await expect(page.getByTestId('decoded')).toHaveCount(0);
  await expect(page.getByTestId('reconstructions')).toHaveCount(0);
  await expect(page.getByTestId('prior-samples')).toHaveCount(0);
  await expect(page.getByTestId('pad-view-grid')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Draw your own' })).toHaveCount(0);
  await expect(page.getByTestId('point-recon-note')).toContainText('σ = 0.1');
  await expect(page.getByRole('heading', { name: 'Loss per point (nats)' })).toBeVisible();

  // Training moves the samples: the plot is redrawn from new decoder weights while Play runs.
  const before = { refreshes: Number(await plot.getAttribute('data-refreshes')), mean: await plot.getAttribute('data-sample-mean'), picture: await plotFingerprint(page) };
  await page.getByTestId('play').click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(300);
  await expect.poll(async () => Number(await plot.getAttribute('data-refreshes')), { timeout: 10_000 }).toBeGreaterThan(before.refreshes + 2);
  await page.getByTestId('play').click();
  expect(await plot.getAttribute('data-sample-mean')).not.toBe(before.mean);
  expect(await plotFingerprint(page)).not.toBe(before.picture);
  // The test −ELBO is a number of nats per point (the Gaussian is a density: a trained model is in single digits).
  await expect(page.getByTestId('test-recon')).not.toHaveText('–', { timeout: 30_000 });

  // Dragging the pad (here: its keyboard) moves the marker in data space.
  const marker = await plot.getAttribute('data-marker');
  expect(marker).toMatch(/^-?\d+\.\d+,-?\d+\.\d+$/);
  const pad = page.getByTestId('latent-pad');
  await pad.focus();
  await page.keyboard.press('Shift+ArrowRight');
  await expect(plot).not.toHaveAttribute('data-marker', marker!);
  expect(consoleErrors).toEqual([]);
});

test('a point-set link that names recon says it does not apply', async ({ page }) => {
  await page.goto('./?data=spiral&recon=bce&hidden=16&backend=cpu');
  await expect(page.getByTestId('config-messages')).toContainText(/recon.*applies to images.*Gaussian likelihood.*ignored/);
  await expect(page.getByTestId('data-plot')).toHaveAttribute('data-points', '2000', { timeout: 90_000 });
});

test('the data sets switch from digits to points and back: image views come back', async ({ page }) => {
  await page.goto('./?hidden=16&backend=cpu');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  await expect(page.getByTestId('decoded')).toBeVisible();
  await page.getByLabel('Dataset').selectOption('pinwheel');
  await expect(page.getByTestId('data-plot')).toHaveAttribute('data-samples', '500', { timeout: 90_000 });
  await expect(page.getByTestId('decoded')).toHaveCount(0);
  await expect(page).toHaveURL(/data=pinwheel/);
  await page.getByLabel('Dataset').selectOption('mnist');
  await expect(page.getByTestId('decoded')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('data-plot')).toHaveCount(0);
});
