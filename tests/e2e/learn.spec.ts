import { test, expect, readNumber } from './fixtures';
import type { Page } from '@playwright/test';

/** Waits until a readout shows a number other than `before`, and returns it. */
async function changedFrom(page: Page, testId: string, before: string): Promise<string> {
  await expect(page.getByTestId(testId)).not.toHaveText(before);
  return (await page.getByTestId(testId).textContent()) ?? '';
}

test.describe('Learn lab', () => {
  test('the KL link opens the seed example with exact numbers', async ({ page, consoleErrors }) => {
    await page.goto('learn?panel=kl&p=0.5,0.3,0.2&q=0.33,0.33,0.34&unit=bits');
    await expect(page.getByRole('heading', { name: 'Cross-entropy and KL divergence' })).toBeVisible();
    await expect(page.getByTestId('kl-pq')).toHaveText('0.1054');
    await expect(page.getByTestId('kl-pq').locator('xpath=following-sibling::*[1]')).toHaveText('bits');
    expect(await readNumber(page, 'kl-qp')).toBeCloseTo(0.1078, 3);
    expect(await readNumber(page, 'entropy-p')).toBeCloseTo(1.4855, 4);
    expect(await readNumber(page, 'cross-entropy')).toBeCloseTo(1.5908, 4);
    // H(P, Q) − H(P) = KL(P‖Q), as displayed.
    expect((await readNumber(page, 'cross-entropy')) - (await readNumber(page, 'entropy-p'))).toBeCloseTo(0.1054, 3);
    await expect(page.getByTestId('rounding-note')).toContainText('0.106');
    await expect(page.getByTestId('learn-messages')).toHaveText('');
    expect(consoleErrors).toEqual([]);
  });

  test('the second seed example in nats, with /learn/ and a trailing slash', async ({ page, consoleErrors }) => {
    await page.goto('learn/?p=0.4,0.6&q=0.5,0.5&unit=nats&panel=kl');
    await expect(page.getByTestId('kl-pq')).toHaveText('0.02014');
    expect(await readNumber(page, 'kl-pq')).toBeCloseTo(0.0201355, 5);
    await expect(page.getByRole('radio', { name: 'nats' })).toBeChecked();
    // Switching the unit converts: 1 nat = 1/ln 2 bits.
    await page.locator('.unit-toggle label', { hasText: 'bits' }).click();
    await expect(page.getByTestId('kl-pq')).toHaveText('0.02905');
    expect(consoleErrors).toEqual([]);
  });

  test('dragging a bar with the mouse changes the numbers', async ({ page, consoleErrors }) => {
    await page.goto('learn?panel=kl&p=0.5,0.3,0.2&q=0.33,0.33,0.34&unit=bits');
    const bar = page.getByTestId('kl-editor-p-bar-0');
    const box = (await bar.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.3, { steps: 5 });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.1, { steps: 5 });
    await page.mouse.up();
    await expect(bar).toHaveAttribute('aria-valuenow', /^0\.(8[5-9]|9[0-5])\d*$/);
    const after = await changedFrom(page, 'kl-pq', '0.1054');
    expect(Number(after)).toBeGreaterThan(0.5);
    // The other bars rescaled so P still sums to 1.
    const values = await page.locator('[data-testid^="kl-editor-p-bar-"]').evaluateAll((els) => els.map((el) => Number(el.getAttribute('aria-valuenow'))));
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    // The address bar follows (debounced replaceState).
    await expect(page).toHaveURL(/panel=kl&p=0\.(8|9)/);
    expect(consoleErrors).toEqual([]);
  });

  test('arrow keys on a focused bar change the numbers', async ({ page, consoleErrors }) => {
    await page.goto('learn?panel=kl&p=0.5,0.3,0.2&q=0.33,0.33,0.34&unit=bits');
    const bar = page.getByTestId('kl-editor-q-bar-2');
    await bar.focus();
    await page.keyboard.press('ArrowUp');
    await expect(bar).toHaveAttribute('aria-valuenow', '0.35');
    await changedFrom(page, 'kl-pq', '0.1054');
    await page.keyboard.press('Home');
    await expect(bar).toHaveAttribute('aria-valuenow', '0');
    // Q(C) = 0 while P(C) = 0.2: the forward KL is infinite, with the reason beside it.
    await expect(page.getByTestId('kl-pq')).toHaveText('∞');
    await expect(page.getByText(/Q calls impossible an outcome that P produces/).first()).toBeVisible();
    await expect(page.getByTestId('kl-qp')).not.toHaveText('∞');
    expect(consoleErrors).toEqual([]);
  });

  test('entropy panel: editing and adding outcomes', async ({ page, consoleErrors }) => {
    await page.goto('learn?panel=entropy&p=0.25,0.25,0.25,0.25&unit=bits');
    await expect(page.getByTestId('entropy-p')).toHaveText('2.0000');
    await page.getByRole('button', { name: 'Add an outcome' }).click();
    await expect(page.locator('[data-testid^="entropy-editor-bar-"]')).toHaveCount(5);
    await expect(page.getByTestId('entropy-p')).not.toHaveText('2.0000');
    await page.getByRole('button', { name: 'A certain outcome' }).click();
    await expect(page.getByTestId('entropy-p')).toHaveText('0.0000');
    expect(consoleErrors).toEqual([]);
  });

  test('closed form and numerical integral agree for two Gaussians', async ({ page, consoleErrors }) => {
    await page.goto('learn?panel=closed&m1=0&s1=1&m2=1&s2=2&unit=nats');
    const closed = await readNumber(page, 'gauss-kl-closed');
    expect(closed).toBeCloseTo(Math.log(2) + 0.25 - 0.5, 4);
    expect(await readNumber(page, 'gauss-kl-numeric')).toBeCloseTo(closed, 4);
    // Moving a slider keeps them together.
    const slider = page.locator('input[name="m2"]');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('gauss-kl-closed')).not.toHaveText(closed.toFixed(4));
    expect(await readNumber(page, 'gauss-kl-numeric')).toBeCloseTo(await readNumber(page, 'gauss-kl-closed'), 4);
    expect(consoleErrors).toEqual([]);
  });

  test('forward KL matches the moments, reverse KL picks a mode', async ({ page, consoleErrors }) => {
    await page.goto('learn?panel=fit&a=-2&b=2.5&w=0.5&sd=0.7');
    await page.getByTestId('fit-finish').click();
    expect(await readNumber(page, 'fit-forward-mu')).toBeCloseTo(0.25, 1);
    expect(await readNumber(page, 'fit-forward-sigma')).toBeCloseTo(Math.sqrt(0.49 + 2.25 ** 2), 1);
    expect(Math.abs((await readNumber(page, 'fit-reverse-mu')) + 2)).toBeLessThan(0.1);
    expect(await readNumber(page, 'fit-reverse-sigma')).toBeLessThan(1);
    // Moving mode B with the keyboard refits.
    const before = (await page.getByTestId('fit-forward-mu').textContent()) ?? '';
    await page.getByRole('slider', { name: 'Position of mode B' }).first().focus();
    await page.keyboard.press('PageUp');
    await changedFrom(page, 'fit-forward-mu', before);
    expect(consoleErrors).toEqual([]);
  });

  test('reconstruction panel: one pixel under both likelihoods', async ({ page, consoleErrors }) => {
    await page.goto('learn?panel=recon&x=1&xh=0.5&unit=bits');
    await expect(page.getByTestId('pixel-bce')).toHaveText('1.0000');
    await expect(page.getByTestId('pixel-se')).toHaveText('0.2500');
    await page.goto('learn?panel=recon&x=1&xh=0&unit=bits');
    await expect(page.getByTestId('pixel-bce')).toHaveText('∞');
    await expect(page.getByText(/calls the true value impossible/)).toBeVisible();
    expect(consoleErrors).toEqual([]);
  });

  test('the ELBO panel shows the sign and the live model', async ({ page, consoleErrors }) => {
    await page.goto('learn?panel=elbo');
    await expect(page.getByRole('heading', { name: /The ELBO/ })).toBeVisible();
    await expect(page.getByText('Mind the sign.')).toBeVisible();
    await expect(page.getByTestId('elbo-play')).toBeEnabled({ timeout: 120_000 });
    expect(consoleErrors).toEqual([]);
  });

  test('a bad link shows messages and still applies the good values', async ({ page, consoleErrors }) => {
    await page.goto('learn?panel=kl&p=2,3,5&q=abc&m1=99&zzz=1&unit=bits');
    const messages = page.getByTestId('learn-messages');
    await expect(messages).toContainText('"p"');
    await expect(messages).toContainText('normalised');
    await expect(messages).toContainText('"q"');
    await expect(messages).toContainText('"m1"');
    await expect(messages).toContainText('"zzz"');
    // P = [0.2, 0.3, 0.5] (normalised), Q = the default [0.33, 0.33, 0.34].
    expect(await readNumber(page, 'kl-pq')).toBeCloseTo(0.092452, 4);
    await expect(page.getByTestId('tab-kl')).toHaveAttribute('aria-selected', 'true');
    expect(consoleErrors).toEqual([]);
  });

  test('tabs work with the keyboard and the address bar follows', async ({ page, consoleErrors }) => {
    await page.goto('learn/');
    await page.getByTestId('tab-entropy').focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('tab-kl')).toBeFocused();
    await expect(page.getByRole('heading', { name: 'Cross-entropy and KL divergence' })).toBeVisible();
    await expect(page).toHaveURL(/panel=kl/);
    await page.keyboard.press('End');
    await expect(page.getByTestId('tab-elbo')).toHaveAttribute('aria-selected', 'true');
    expect(consoleErrors).toEqual([]);
  });
});
