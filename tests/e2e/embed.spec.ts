import { test, expect, waitReady, readNumber } from './fixtures';

test('?embed=1 renders the compact page: chart, pad, Play and the preset’s note; other keys apply; a link back to the full app', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto('./?embed=1&beta=4&backend=wasm');
  await waitReady(page);
  const embed = page.getByTestId('embed');
  await expect(embed).toBeVisible();
  // Compact: no site header, settings, presets, probe panel or drawing pad.
  await expect(page.getByRole('navigation', { name: 'Sections' })).toHaveCount(0);
  for (const id of ['posterior-panel', 'draw-pad', 'evaluate']) await expect(page.getByTestId(id)).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Settings' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Presets' })).toHaveCount(0);
  // The β = 4 preset's note (the backend is not what a preset is about).
  await expect(page.getByTestId('embed-note')).toContainText('heavier KL term');
  await expect(embed.locator('canvas').first()).toBeVisible();
  await expect(page.getByTestId('latent-pad')).toBeVisible();
  // The full app's link keeps every setting but the embed key.
  const href = (await page.getByTestId('embed-full-link').getAttribute('href'))!;
  const query = new URL(href, page.url()).searchParams;
  expect(query.get('beta')).toBe('4');
  expect(query.get('backend')).toBe('wasm');
  expect(query.has('embed')).toBe(false);
  await expect(page.getByTestId('embed-full-link')).toHaveAttribute('target', '_blank');
  // Play trains, with the settings of the link.
  await page.getByTestId('play').click();
  await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(5);
  await page.getByTestId('play').click();
  // The whole compact page fits the width of an 800 px iframe: no sideways scrolling.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
  expect(consoleErrors).toEqual([]);
});

test('a bad embed value gets a message naming it and what was used; the page still loads', async ({ page, consoleErrors }) => {
  await page.goto('./?embed=yes&backend=cpu&hidden=32');
  await waitReady(page);
  await expect(page.getByTestId('config-messages')).toContainText('embed');
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('the compact page passes axe in light and dark, at 800 and 390 px', async ({ page }) => {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  await page.goto('./?embed=1&hidden=32&batch=32&backend=cpu');
  await waitReady(page);
  const found: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    for (const width of [800, 390]) {
      await page.setViewportSize({ width, height: 700 });
      await page.emulateMedia({ colorScheme: theme });
      const { violations } = await new AxeBuilder({ page }).analyze();
      found.push(...violations.map((v) => `${theme} ${width}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
    }
  }
  expect(found).toEqual([]);
});
