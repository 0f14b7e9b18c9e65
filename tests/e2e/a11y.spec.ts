import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, trainSteps, waitReady } from './fixtures';
import { PANELS } from '../../src/lib/learn/url';
import { CORRUPT_ZIP, drawnPngs } from './upload-files';

const THEMES = ['light', 'dark'] as const;
const WIDTHS = [1280, 390] as const;

/** axe's findings, one readable line per failing element. */
async function audit(page: Page, where: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${where}: ${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`));
}

/** Opens a page in the given colour scheme (the app follows the system's until the user picks one). */
async function open(page: Page, url: string, theme: (typeof THEMES)[number], width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ colorScheme: theme });
  await page.goto(url);
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

for (const theme of THEMES) {
  for (const width of WIDTHS) {
    test(`playground passes axe: ${theme}, ${width} px, ready, trained (with a probed image) and with its dialog open`, async ({ page }) => {
      await open(page, './?hidden=32&batch=32&backend=cpu&probe=5', theme, width);
      await waitReady(page);
      const found = await audit(page, 'ready');
      await trainSteps(page, 3);
      await expect(page.getByTestId('test-recon')).not.toHaveText('–'); // the first evaluation is in
      await expect(page.getByTestId('posterior-gap')).toBeVisible();
      found.push(...(await audit(page, 'trained')));
      // The run is kept in the Runs list; drawn on the chart, its row shows its colour.
      await expect(page.getByTestId('run-item')).toHaveCount(1);
      await page.getByTestId('run-overlay').check();
      await expect(page.getByTestId('loss-chart-points')).toHaveAttribute('data-overlays', '["run 1"]');
      found.push(...(await audit(page, 'a kept run, overlaid')));
      await page.getByTestId('iwae-k').fill('2');
      await page.getByTestId('evaluate').click();
      await expect(page.getByTestId('test-iwae')).toBeVisible({ timeout: 60_000 });
      await page.getByTestId('iwae-k').fill('0');
      await page.getByTestId('evaluate').click();
      await expect(page.getByText('K must be a whole number')).toBeVisible();
      found.push(...(await audit(page, 'evaluated, with a bad K')));
      // A β sweep under way (progress, Play waiting), then finished, with a corrected β list and the table open.
      await page.getByTestId('sweep-betas').fill('1, 2, x');
      await page.getByTestId('sweep-start').click();
      await expect(page.getByTestId('sweeping-note')).toBeVisible();
      found.push(...(await audit(page, 'sweeping')));
      await expect(page.getByTestId('rd-plot')).toHaveAttribute('data-points', '2', { timeout: 120_000 });
      await page.getByTestId('rd-plot').getByText('Show the numbers as a table').click();
      found.push(...(await audit(page, 'swept, with a corrected β list')));
      await page.getByTestId('reset').click();
      await expect(page.getByTestId('confirm-dialog')).toBeVisible();
      found.push(...(await audit(page, 'dialog')));
      expect(found).toEqual([]);
    });

    test(`every lab panel passes axe: ${theme}, ${width} px`, async ({ page }) => {
      const found: string[] = [];
      for (const panel of PANELS) {
        await open(page, `./learn/?panel=${panel}`, theme, width);
        await expect(page.getByTestId(`tab-${panel}`)).toHaveAttribute('aria-selected', 'true');
        await expect(page.locator('#learn-panel h2, #learn-panel h3').first()).toBeVisible();
        await page.waitForTimeout(500); // formulas and plots settle
        found.push(...(await audit(page, panel)));
      }
      expect(found).toEqual([]);
    });
  }
}

for (const theme of THEMES) {
  for (const width of WIDTHS) {
    test(`the 2-D point playground (data plot, recon note) passes axe: ${theme}, ${width} px`, async ({ page }) => {
      await open(page, './?data=moons&hidden=32&batch=32&backend=cpu', theme, width);
      await expect(page.getByTestId('data-plot')).toHaveAttribute('data-samples', '500', { timeout: 90_000 });
      await trainSteps(page, 3);
      await expect(page.getByTestId('test-recon')).not.toHaveText('–');
      expect(await audit(page, 'points, trained')).toEqual([]);
    });
  }
}

for (const theme of THEMES) {
  test(`the playground's messages pass axe: a rollback notice and a resume offer, ${theme}`, async ({ page }) => {
    await open(page, './?opt=sgd&lr=1&hidden=64,32&backend=wasm', theme, 1280);
    await waitReady(page);
    await page.getByTestId('play').click();
    await expect(page.getByTestId('notice')).toContainText(/Training paused/, { timeout: 60_000 });
    expect(await audit(page, `${theme} rollback notice`)).toEqual([]);

    // A saved run (this page's, trained a few steps) is offered on the next visit.
    await open(page, './?hidden=32&batch=32&backend=cpu', theme, 1280);
    await waitReady(page);
    await trainSteps(page, 3);
    await expect(page.getByTestId('autosave-status')).toHaveAttribute('data-step', '3', { timeout: 30_000 });
    await page.reload();
    await waitReady(page);
    await expect(page.getByRole('button', { name: /^Resume/ })).toBeVisible({ timeout: 30_000 });
    expect(await audit(page, `${theme} resume offer`)).toEqual([]);
  });
}

for (const theme of THEMES) {
  for (const width of WIDTHS) {
    test(`"Your data" passes axe: a read set's preview, then errors, ${theme}, ${width} px`, async ({ page }) => {
      await open(page, './?hidden=32&batch=32&backend=cpu', theme, width);
      await waitReady(page);
      await page.getByTestId('data-upload').setInputFiles(await drawnPngs(page, 12));
      await expect(page.getByTestId('data-summary')).toBeVisible();
      const found = await audit(page, 'preview');
      await page.getByTestId('data-upload').setInputFiles([CORRUPT_ZIP]);
      await expect(page.getByTestId('data-errors')).toBeVisible();
      found.push(...(await audit(page, 'errors')));
      expect(found).toEqual([]);
    });
  }
}
