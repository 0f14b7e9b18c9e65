import { readFileSync } from 'node:fs';
import { test, expect, decodedPixelsHex, readNumber, trainSteps, waitReady } from './fixtures';
import { CORRUPT_ZIP, RAGGED_CSV, drawnPngs } from './upload-files';

test('40 uploaded PNGs: previewed, counted, split 32/8 with the seed, trained on; the scatter shows the 8 test codes', async ({ page, consoleErrors }) => {
  // MNIST test image 500 is probed: the uploaded set has only 8 test images.
  await page.goto('./?backend=wasm&hidden=64&probe=500');
  await waitReady(page);
  const pad = page.getByTestId('latent-pad');
  await expect(pad).toHaveAttribute('data-points', '2000');

  await page.getByTestId('data-upload').setInputFiles(await drawnPngs(page, 40));
  await expect(page.getByTestId('data-summary')).toHaveText('Read: 40 images in 2 classes: 32 train, 8 test (bar, ring)');
  await expect(page.getByTestId('data-preview').getByRole('img')).toHaveCount(40);
  await expect(page.getByTestId('data-preview').getByRole('img').nth(1)).toHaveAttribute('aria-label', 'Image 2, class ring');
  // Nothing changes until the set is used.
  await expect(pad).toHaveAttribute('data-points', '2000');

  await page.getByTestId('data-use').click();
  await expect(page.getByTestId('data-summary')).toHaveText('Training on: 40 images in 2 classes: 32 train, 8 test (bar, ring)');
  await waitReady(page);
  await expect(pad).toHaveAttribute('data-points', '8');
  await expect(page.locator('select[name="data"]')).toHaveValue('custom');
  // The probe that pointed past the new test set is dropped, and the page says why.
  await expect(page.getByTestId('probe-note')).toHaveText(/Test image 500 is not in this data set \(its test images are numbered 0–7\)/);
  await expect(page).not.toHaveURL(/probe=500/);
  await trainSteps(page, 3);
  await expect(page.getByTestId('test-recon')).not.toHaveText('–');
  expect(await readNumber(page, 'test-recon')).toBeGreaterThan(0);
  await expect(pad).toHaveAttribute('data-points', '8');
  await expect(page.locator('label[for="probe-input"]')).toHaveText('Test image # (0–7)');

  // The set cannot travel in a link: Copy link says so and writes MNIST in its place.
  await expect(page).toHaveURL(/data=custom/);
  await expect(page.getByTestId('copy-note')).toHaveText(/cannot travel in a link: it opens with MNIST/);
  expect(consoleErrors).toEqual([]);
});

test('a corrupt zip and a ragged CSV each give their message and leave the run as it was', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=wasm&hidden=64&batch=32');
  await waitReady(page);
  await trainSteps(page, 2);
  const upload = page.getByTestId('data-upload');
  const errors = page.getByTestId('data-errors');

  await upload.setInputFiles([CORRUPT_ZIP]);
  await expect(errors).toHaveText(/photos\.zip: not a readable zip file \(it may be corrupt or cut short\)/);
  await expect(errors).toHaveText(/the current data and model are unchanged/);
  await expect(page.getByTestId('data-summary')).toHaveCount(0);

  await upload.setInputFiles([RAGGED_CSV]);
  await expect(errors).toHaveText(/pixels\.csv, line 3: found 783 values, but line 1 has 784; every row needs the same number/);
  await expect(errors).not.toHaveText(/photos\.zip/);

  // The run is as it was: same step, same data, same test codes.
  await expect(page.getByTestId('step')).toHaveText('2');
  await expect(page.locator('select[name="data"]')).toHaveValue('mnist');
  await expect(page.getByTestId('latent-pad')).toHaveAttribute('data-points', '2000');
  await trainSteps(page, 1);
  expect(consoleErrors).toEqual([]);
});

test('a link asking for uploaded data opens on MNIST and says why', async ({ page }) => {
  await page.goto('./?backend=wasm&hidden=64&data=custom');
  await expect(page.getByTestId('config-messages')).toHaveText(/asks for uploaded images, which cannot travel in a link: it opens with MNIST instead/);
  await expect(page.locator('select[name="data"]')).toHaveValue('mnist');
  await expect(page.locator('select[name="data"] option[value="custom"]')).toHaveCount(0);
  await waitReady(page);
  await expect(page.getByTestId('latent-pad')).toHaveAttribute('data-points', '2000');
});

test('an uploaded set is kept with the run: a model file records it, and a reload resumes on it', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=cpu&hidden=64&batch=16');
  await waitReady(page);
  await page.getByTestId('data-upload').setInputFiles(await drawnPngs(page, 40));
  await page.getByTestId('data-use').click();
  await waitReady(page);
  await expect(page.getByTestId('latent-pad')).toHaveAttribute('data-points', '8');
  await trainSteps(page, 3);
  await expect(page.getByTestId('autosave-status')).toHaveAttribute('data-step', '3', { timeout: 30_000 });
  const pixels = await decodedPixelsHex(page);

  // The model file says what it was trained on.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-model').click()]);
  expect(download.suggestedFilename()).toMatch(/^vae-custom-/);
  expect(JSON.parse(readFileSync(await download.path(), 'utf8')).config.data).toBe('custom');

  // Another page, without the images, refuses to load that model and says why.
  const other = await page.context().newPage();
  await other.goto('./?backend=cpu&hidden=64&batch=16');
  await waitReady(other);
  await other.getByTestId('import-model').setInputFiles(await download.path());
  await expect(other.getByText(/was not loaded\. The model could not be loaded: it was trained on uploaded images, which this tab does not have/)).toBeVisible();
  await expect(other.locator('select[name="data"]')).toHaveValue('mnist');
  await other.close();

  await page.reload();
  // The address bar's data=custom cannot bring the images back by itself: MNIST, and a message.
  await expect(page.getByTestId('config-messages')).toHaveText(/cannot travel in a link/);
  await waitReady(page);
  await expect(page.getByTestId('resume-offer')).toContainText('your own images');
  await page.getByRole('button', { name: /^Resume/ }).click();
  await expect(page.getByTestId('step')).toHaveText('3', { timeout: 60_000 });
  await expect(page.getByTestId('data-summary')).toHaveText('Training on: 40 images in 2 classes: 32 train, 8 test (bar, ring)');
  await expect(page.locator('select[name="data"]')).toHaveValue('custom');
  await expect(page.getByTestId('latent-pad')).toHaveAttribute('data-points', '8');
  await expect.poll(() => decodedPixelsHex(page), { timeout: 30_000 }).toBe(pixels);
  await trainSteps(page, 1);
  expect(consoleErrors).toEqual([]);
});
