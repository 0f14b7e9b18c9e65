import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect, trainSteps, waitReady } from './fixtures';

const URL = './?hidden=32&batch=32&backend=cpu&beta=1';

/** The legend labels of the kept runs the loss chart draws, as the chart holds them. */
async function overlayLabels(page: Page): Promise<string[]> {
  return JSON.parse((await page.getByTestId('loss-chart-points').getAttribute('data-overlays')) ?? 'null');
}

/** Trains a β = 1 run, then a β = 4 run (β changed, Reset): both are kept without any button. */
async function trainTwoRuns(page: Page): Promise<void> {
  await page.goto(URL);
  await waitReady(page);
  await expect(page.getByTestId('runs-empty')).toBeVisible();
  await trainSteps(page, 3);
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-steps', '3');

  await page.locator('input[name="beta"]').fill('4');
  await page.locator('input[name="beta"]').press('Enter');
  await page.getByTestId('reset').click();
  await page.getByTestId('confirm-ok').click();
  await waitReady(page);
  await trainSteps(page, 2);
  await expect(page.getByTestId('run-item')).toHaveCount(2);
}

test('two runs with different β are kept, overlaid with legends that name only β, renamed across a reload, exported and deleted', async ({ page, consoleErrors }) => {
  await trainTwoRuns(page);
  const items = page.getByTestId('run-item');
  // Newest first: the β = 4 run (2 steps, training now), then the β = 1 run (3 steps).
  await expect(items.nth(0)).toHaveAttribute('data-steps', '2');
  await expect(items.nth(0)).toContainText('training now');
  await expect(items.nth(1)).toHaveAttribute('data-steps', '3');
  await expect(items.nth(0).getByTestId('run-name')).toHaveValue('Run 2');
  await expect(items.nth(1).getByTestId('run-name')).toHaveValue('Run 1');
  await expect(items.nth(1).getByTestId('run-test')).toContainText('test −ELBO');
  await expect(items.nth(0).locator('img.thumb')).toHaveAttribute('src', /^data:image\/png;base64,/);

  expect(await overlayLabels(page)).toEqual([]);
  await items.nth(1).getByRole('checkbox', { name: /Overlay Run 1 on the loss chart/ }).check();
  await expect.poll(() => overlayLabels(page)).toEqual(['run 1']); // alone, nothing differs
  await items.nth(0).getByTestId('run-overlay').check();
  await expect.poll(() => overlayLabels(page)).toEqual(['β = 1', 'β = 4']);
  // The current run's own six series are still there, with their points.
  await expect(page.getByTestId('loss-chart-points')).toHaveAttribute('data-steps', '2');
  await items.nth(1).getByTestId('run-overlay').uncheck();
  await expect.poll(() => overlayLabels(page)).toEqual(['run 1']);
  await items.nth(1).getByTestId('run-overlay').check();
  await expect.poll(() => overlayLabels(page)).toEqual(['β = 4', 'β = 1']);

  // Rename with the keyboard: type, Enter. An empty name is refused; Escape puts the old one back.
  const name = items.nth(1).getByTestId('run-name');
  await name.fill('baseline, "β one"');
  await name.press('Enter');
  await expect(name).not.toBeFocused();
  await name.fill('   ');
  await name.press('Enter');
  await expect(name).toHaveValue('baseline, "β one"');
  await name.fill('something else');
  await name.press('Escape');
  await expect(name).toHaveValue('baseline, "β one"');

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('runs-export-json').click()]);
  expect(jsonDownload.suggestedFilename()).toMatch(/^vae-runs-\d{4}-\d\d-\d\d\.json$/);
  const doc = JSON.parse(await readFile(await jsonDownload.path(), 'utf8'));
  expect(doc.format).toBe('vae-playground-runs');
  expect(doc.runs.map((r: { name: string }) => r.name)).toEqual(['Run 2', 'baseline, "β one"']);
  expect(doc.runs.map((r: { query: string }) => new URLSearchParams(r.query).get('beta'))).toEqual(['4', null]); // β = 1 is the default, left out of links
  expect(doc.runs[1].history.step).toEqual([1, 2, 3]);
  expect(doc.runs[0].history.beta).toEqual([4, 4]);

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('runs-export-csv').click()]);
  const csv = await readFile(await csvDownload.path(), 'utf8');
  const lines = csv.trimEnd().split('\n');
  expect(lines[0]).toBe('run,name,query,split,epoch,step,recon,kl,beta,total');
  const trainRows = lines.filter((l) => l.includes(',train,'));
  expect(trainRows).toHaveLength(5);
  expect(trainRows.filter((l) => l.includes('"baseline, ""β one"""'))).toHaveLength(3);

  await items.nth(0).getByTestId('run-pin').click();
  await expect(items.nth(0).getByTestId('run-pin')).toHaveAttribute('aria-pressed', 'true');

  // The names, the pin and the list survive a reload.
  await page.reload();
  await waitReady(page);
  await expect(items).toHaveCount(2);
  await expect(items.nth(1).getByTestId('run-name')).toHaveValue('baseline, "β one"');
  await expect(items.nth(0).getByTestId('run-pin')).toHaveAttribute('aria-pressed', 'true');
  await expect(items.nth(1).getByTestId('run-pin')).toHaveAttribute('aria-pressed', 'false');

  // Delete asks first; Cancel keeps the run, Delete removes it.
  await items.nth(1).getByRole('button', { name: 'Delete baseline, "β one"' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(items).toHaveCount(2);
  await items.nth(1).getByTestId('run-delete').click();
  await page.getByTestId('confirm-ok').click();
  await expect(items).toHaveCount(1);
  await page.reload();
  await waitReady(page);
  await expect(items).toHaveCount(1);
  await expect(items.first().getByTestId('run-name')).toHaveValue('Run 2');
  expect(consoleErrors).toEqual([]);
});

test('a run still training is kept when a new model replaces it', async ({ page, consoleErrors }) => {
  await page.goto(URL);
  await waitReady(page);
  await page.getByTestId('play').click();
  await expect.poll(async () => Number(await page.getByTestId('step').textContent()), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  await page.getByTestId('reset').click();
  await page.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  expect(Number(await page.getByTestId('run-item').getAttribute('data-steps'))).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('run-item')).not.toContainText('training now');
  expect(consoleErrors).toEqual([]);
});

test('a run resumed after a reload goes on as the same entry of the Runs list, not a second one', async ({ page, consoleErrors }) => {
  await page.goto(URL);
  await waitReady(page);
  await trainSteps(page, 3);
  const item = page.getByTestId('run-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-steps', '3');
  const id = await item.getAttribute('data-id');
  // The autosave has this step too before the reload.
  await expect(page.getByTestId('autosave-status')).toHaveAttribute('data-step', '3', { timeout: 30_000 });

  await page.reload();
  await waitReady(page);
  await page.getByRole('button', { name: /^Resume/ }).click();
  await expect(page.getByTestId('step')).toHaveText('3', { timeout: 60_000 });
  await trainSteps(page, 2);
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-steps', '5');
  await expect(item).toHaveAttribute('data-id', id!);
  expect(consoleErrors).toEqual([]);
});
