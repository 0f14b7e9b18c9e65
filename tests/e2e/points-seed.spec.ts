import type { Page } from '@playwright/test';
import { test, expect, trainSteps } from './fixtures';

async function pointsReady(page: Page): Promise<void> {
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  await expect(page.getByTestId('data-plot')).toHaveAttribute('data-samples', '500', { timeout: 60_000 });
}

const testMean = (page: Page) => page.getByTestId('data-plot').getAttribute('data-test-mean');
const picture = (page: Page) => page.getByTestId('data-plot').evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());

test('a point set is drawn from the seed: a link gives the same points, another seed others, a resumed run the same plot', async ({ page, consoleErrors }) => {
  await page.goto('./?data=moons&seed=7&hidden=16&backend=cpu');
  await pointsReady(page);
  const seven = await testMean(page);
  expect(seven).toMatch(/^-?\d+\.\d{5},-?\d+\.\d{5}$/);

  // The same link in another tab: the same points.
  const other = await page.context().newPage();
  await other.goto('./?data=moons&seed=7&hidden=16&backend=cpu');
  await pointsReady(other);
  expect(await testMean(other)).toBe(seven);
  // Another seed (here, from the control): other points.
  await other.getByLabel('Seed').fill('8');
  await other.getByLabel('Seed').press('Enter');
  await expect(other).toHaveURL(/seed=8/);
  await expect.poll(() => testMean(other), { timeout: 60_000 }).not.toBe(seven);
  await other.close();

  // A reload and Resume: the same points under the same weights, so the plot is drawn exactly as before.
  await trainSteps(page, 3);
  await expect(page.getByTestId('autosave-status')).toHaveAttribute('data-step', '3', { timeout: 30_000 });
  const before = await picture(page);
  await page.reload();
  await pointsReady(page);
  expect(await testMean(page)).toBe(seven);
  await page.getByRole('button', { name: /^Resume/ }).click();
  await expect(page.getByTestId('step')).toHaveText('3', { timeout: 60_000 });
  await expect.poll(() => picture(page), { timeout: 10_000 }).toBe(before);
  expect(consoleErrors).toEqual([]);
});
