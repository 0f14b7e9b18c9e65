import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, trainSteps } from './fixtures';
import { pointsCsv } from './upload-files';

/** Waits until a model on 2-D points is built and its data plot drawn (there is no decoded image for points). */
async function waitPointsReady(page: Page, testPoints: number): Promise<void> {
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  await expect(page.getByTestId('data-plot')).toHaveAttribute('data-points', String(testPoints), { timeout: 60_000 });
  await expect(page.getByTestId('data-plot')).toHaveAttribute('data-samples', '500', { timeout: 30_000 });
}

/** What the data plot's canvas shows, exactly. */
function plotPicture(page: Page): Promise<string> {
  return page.getByTestId('data-plot').evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());
}

test('a CSV of x,y,label rows trains as a 2-D data set; a reload resumes on the same points', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=cpu&hidden=32,32&batch=64');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });

  await page.getByTestId('data-upload').setInputFiles([pointsCsv(200)]);
  await expect(page.getByTestId('data-summary')).toHaveText('Read: 200 points in 2 classes: 160 train, 40 test (inner, outer)');
  await expect(page.getByTestId('points-preview')).toBeVisible();
  await expect(page.getByTestId('data-scaling')).toHaveText('Centred on (3,000, −997) and divided by 559, so the points have unit spread; the plot shows the scaled values.');
  await expect(page.getByTestId('data-preview')).toHaveCount(0); // no image grid for points

  await page.getByTestId('data-use').click();
  await waitPointsReady(page, 40);
  await expect(page.getByTestId('data-summary')).toHaveText('Training on: 200 points in 2 classes: 160 train, 40 test (inner, outer)');
  await expect(page.locator('select[name="data"]')).toHaveValue('custom-points');
  await expect(page.getByTestId('latent-pad')).toHaveAttribute('data-points', '40');
  // Trained like the built-in point sets: Gaussian decoder, image views hidden, the plot's legend names the classes.
  await expect(page.getByTestId('point-recon-note')).toContainText('σ = 0.1');
  await expect(page.getByTestId('decoded')).toHaveCount(0);
  await expect(page.getByTestId('reconstructions')).toHaveCount(0);
  await expect(page.getByText('Test points, coloured by class (inner, outer)')).toBeVisible();
  // Scaled points lie within a few units of the origin, like the built-in sets: the plot's range says so.
  await expect(page.getByTestId('data-plot')).toHaveAttribute('aria-label', /^Data space from −[1-3](\.\d+)? to [1-3](\.\d+)? on both axes: 40 test points/);

  const plot = page.getByTestId('data-plot');
  const refreshes = Number(await plot.getAttribute('data-refreshes'));
  await trainSteps(page, 3);
  await expect.poll(async () => Number(await plot.getAttribute('data-refreshes')), { timeout: 10_000 }).toBeGreaterThan(refreshes);
  await expect(page).toHaveURL(/data=custom-points/);
  await expect(page.getByTestId('copy-note')).toHaveText('Your uploaded points cannot travel in a link: it opens with the moons point set.');
  await expect(page.getByTestId('autosave-status')).toHaveAttribute('data-step', '3', { timeout: 30_000 });
  // The model file says what it was trained on.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-model').click()]);
  expect(download.suggestedFilename()).toMatch(/^vae-custom-points-/);
  expect(JSON.parse(readFileSync(await download.path(), 'utf8')).config.data).toBe('custom-points');
  const marker = await plot.getAttribute('data-marker');
  const sampleMean = await plot.getAttribute('data-sample-mean');
  const picture = await plotPicture(page);

  await page.reload();
  // The address bar cannot bring the points back by itself: the moons, and a message.
  await expect(page.getByTestId('config-messages')).toHaveText(/uploaded points, which cannot travel in a link: it opens with the moons point set instead/);
  await waitPointsReady(page, 2000);
  await expect(page.getByTestId('resume-offer')).toContainText('your own 2-D points');
  await page.getByRole('button', { name: /^Resume/ }).click();
  await expect(page.getByTestId('step')).toHaveText('3', { timeout: 60_000 });
  await waitPointsReady(page, 40);
  await expect(page.locator('select[name="data"]')).toHaveValue('custom-points');
  await expect(page.getByTestId('data-summary')).toHaveText('Training on: 200 points in 2 classes: 160 train, 40 test (inner, outer)');
  // Same weights, same test points, same samples: the plot is drawn exactly as before the reload.
  await expect(plot).toHaveAttribute('data-marker', marker!);
  await expect(plot).toHaveAttribute('data-sample-mean', sampleMean!);
  await expect.poll(() => plotPicture(page), { timeout: 10_000 }).toBe(picture);
  await trainSteps(page, 1);
  expect(consoleErrors).toEqual([]);
});

test('a points CSV too small to split, or ragged, gives its message and leaves the run as it was', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=cpu&data=moons&hidden=16');
  await waitPointsReady(page, 2000);
  await trainSteps(page, 2);
  const upload = page.getByTestId('data-upload');
  const errors = page.getByTestId('data-errors');

  await upload.setInputFiles([{ name: 'few.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y\n0,1\n2,3\n4,5\n') }]);
  await expect(errors).toHaveText(/few\.csv: holds 3 points; a set needs at least 10, so that a fifth can be kept for testing/);
  await upload.setInputFiles([{ name: 'bent.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y,label\n0,1,a\n2,3\n') }]);
  await expect(errors).toHaveText(/bent\.csv, line 3: found 2 values, but line 2 has 3; every row needs the same number/);
  await expect(errors).toHaveText(/the current data and model are unchanged/);
  await expect(page.getByTestId('data-summary')).toHaveCount(0);

  await expect(page.getByTestId('step')).toHaveText('2');
  await expect(page.locator('select[name="data"]')).toHaveValue('moons');
  await expect(page.getByTestId('data-plot')).toHaveAttribute('data-points', '2000');
  await trainSteps(page, 1);
  expect(consoleErrors).toEqual([]);
});
