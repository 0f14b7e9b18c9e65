import { test, expect, waitReady, readNumber } from './fixtures';

// A tiny model: one epoch of 125 batches takes well under a second on wasm here.
const LINK = './?hidden=16&batch=64&backend=wasm';

test('a 3-value β sweep of a tiny model, 1 epoch each, puts 3 points on the rate–distortion plot and leaves the current model as it was', async ({ page, consoleErrors }) => {
  await page.goto(LINK);
  await waitReady(page);
  const plot = page.getByTestId('rd-plot');
  await expect(plot).toHaveAttribute('data-points', '0');

  // Keyboard: the labelled fields, Enter starts.
  await page.getByLabel('β values').fill('4, 0.5, 1');
  await page.getByLabel(/Epochs per value/).fill('1');
  await page.getByLabel(/Epochs per value/).press('Enter');
  await expect(plot).toHaveAttribute('data-points', '3', { timeout: 120_000 });
  await expect(page.getByTestId('sweep-outcome')).toHaveText('Sweep finished: 3 of 3 β values trained.');

  // Each point is labelled with its β, and the table lists them in β order with their numbers.
  await expect(plot.locator('svg[role="img"] .sweep text')).toHaveText(['β = 0.5', 'β = 1', 'β = 4']);
  await plot.getByText('Show the numbers as a table').click();
  const rows = plot.locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.locator('th')).toHaveText(['β = 0.5', 'β = 1', 'β = 4']);
  const kl = await rows.locator('td:nth-child(2)').allTextContents();
  // More weight on the KL term buys a cheaper code.
  expect(Number(kl[2])).toBeLessThan(Number(kl[0]));

  // Each β became a run of its own in the Runs list, drawn once on the plane (not again as a kept run).
  await expect(page.getByTestId('run-item')).toHaveCount(3);
  const names = await page.getByTestId('run-name').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
  expect(names.sort()).toEqual(['β = 0.5 (sweep)', 'β = 1 (sweep)', 'β = 4 (sweep)']);
  await expect(plot).toHaveAttribute('data-points', '3');

  // The current model never trained: still step 0, and Play works again.
  expect(await readNumber(page, 'step')).toBe(0);
  await expect(page.getByTestId('play')).toBeEnabled();
  expect(consoleErrors).toEqual([]);
});

test('Play waits while a sweep runs; cancel keeps the finished points; bad β values are named with what was used', async ({ page, consoleErrors }) => {
  await page.goto(LINK);
  await waitReady(page);
  const plot = page.getByTestId('rd-plot');

  await page.getByLabel('β values').fill('0.5, abc, 60');
  await page.getByLabel(/Epochs per value/).fill('3');
  await page.getByTestId('sweep-start').click();
  const notes = page.getByTestId('sweep-notes');
  await expect(notes).toContainText('“abc” is not a number, so it was left out.');
  await expect(notes).toContainText('β = 60 is above 50; 50 was used instead.');
  await expect(page.getByLabel('β values')).toHaveValue('0.5, 50');

  // While it runs, training waits, and says so.
  await expect(page.getByTestId('play')).toBeDisabled();
  await expect(page.getByTestId('sweeping-note')).toBeVisible();
  await expect(page.getByTestId('sweep-progress-text')).toHaveText(/^β [12] of 2 \(β = (0\.5|50)\), epoch [1-3] of 3, /);

  // Cancel once the first β is in: it stays on the plot, the second is dropped.
  await expect(plot).toHaveAttribute('data-points', '1', { timeout: 120_000 });
  await page.getByTestId('sweep-cancel').click();
  await expect(page.getByTestId('sweep-outcome')).toHaveText('Sweep stopped: 1 of 2 β values finished and kept.', { timeout: 60_000 });
  await expect(plot).toHaveAttribute('data-points', '1');
  await expect(page.getByTestId('play')).toBeEnabled();
  await expect(page.getByTestId('sweeping-note')).toHaveCount(0);

  // An empty list is refused with a message and nothing starts.
  await page.getByLabel('β values').fill(' , ');
  await page.getByTestId('sweep-start').click();
  await expect(page.getByRole('alert')).toContainText('Enter at least one β');
  await expect(plot).toHaveAttribute('data-points', '1');
  expect(consoleErrors).toEqual([]);
});

test('the current run draws its path on the plane, one dot per epoch', async ({ page }) => {
  await page.goto(LINK);
  await waitReady(page);
  const plot = page.getByTestId('rd-plot');
  await expect(plot).toHaveAttribute('data-path-points', '0');
  await page.getByTestId('play').click();
  // Epochs of this tiny model take a fraction of a second, so the count may pass 2 between two looks.
  const dots = async () => Number(await plot.getAttribute('data-path-points'));
  await expect.poll(dots, { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toHaveText(/Play/);
  // One dot per finished epoch: once paused, the count is the epoch the page shows.
  await expect.poll(async () => (await dots()) === (await readNumber(page, 'epoch')), { timeout: 10_000 }).toBe(true);
  await plot.getByText('Show the numbers as a table').click();
  await expect(plot.locator('tbody th').first()).toHaveText('This run, epoch 1');
  // Runs drawn as points: none yet (the path is not one of them).
  await expect(plot).toHaveAttribute('data-points', '0');
});
