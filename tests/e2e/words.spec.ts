import { test, expect, trainSteps, waitReady } from './fixtures';
import { PANELS } from '../../src/lib/learn/url';

/** Words an end user never met: our design documents, our process, our build tools. */
const INSIDER_WORDS = /\bnpm\b|seed texts?\b|the seed'?s?\b|seed example|\bthe brief\b|\bissue #?\d|\bspec\b/i;

test('with squared error the readouts and chart never call the loss −ELBO in nats', async ({ page, consoleErrors }) => {
  await page.goto('./?recon=mse&hidden=32&batch=32&backend=cpu');
  await waitReady(page);
  await trainSteps(page, 1);
  const training = page.getByRole('region', { name: 'Training' });
  await expect(training).toContainText('Total (squared error + 1.00·KL)');
  await expect(training).toContainText('test squared error + KL');
  await expect(training).toContainText('squared error summed over the 784 pixels');
  await expect(training).not.toContainText('ELBO');
  await expect(training).not.toContainText(/nats per image/i);
  await expect(page.getByRole('heading', { name: 'Loss per image (squared error + KL)' })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('with BCE the total and the test value are −ELBO in nats', async ({ page, consoleErrors }) => {
  await page.goto('./?hidden=32&batch=32&backend=cpu');
  await waitReady(page);
  await trainSteps(page, 1);
  const training = page.getByRole('region', { name: 'Training' });
  await expect(training).toContainText('Total (−ELBO)');
  await expect(training).toContainText('test −ELBO');
  await expect(training).toContainText('Nats per image.');
  await expect(page.getByRole('heading', { name: 'Loss per image (nats)' })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('no page speaks of our design documents or tells the user to run npm', async ({ page }) => {
  await page.route('**/data/mnist.bin', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('./?backend=cpu');
  await expect(page.getByTestId('error')).toBeVisible({ timeout: 60_000 }); // the error banner is shown too
  expect(await page.locator('body').innerText()).not.toMatch(INSIDER_WORDS);
  await page.unroute('**/data/mnist.bin');
  for (const panel of PANELS) {
    await page.goto(`./learn/?panel=${panel}`);
    await expect(page.getByTestId(`tab-${panel}`)).toHaveAttribute('aria-selected', 'true');
    // Every example in the pickers, not only the one shown.
    const text = `${await page.locator('body').innerText()} ${(await page.locator('option').allTextContents()).join(' ')}`;
    expect(text, `panel ${panel}`).not.toMatch(INSIDER_WORDS);
  }
});
