import { test as base, expect, type Page } from '@playwright/test';

/** Console errors collected for every page; a test fails if any appear unless it opts out. */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await use(errors);
  },
});

export { expect };

/** Reads a numeric readout by test id. */
export async function readNumber(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  return Number(text.replace(/[^0-9eE+\-.]/g, ''));
}

/** Waits until the model is built and its first decoder snapshot is drawn. */
export async function waitReady(page: Page): Promise<void> {
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  await expect(page.getByText('Decoded image', { exact: true })).toBeVisible({ timeout: 60_000 });
}

/** Presses Step `count` times, waiting for each step to land. */
export async function trainSteps(page: Page, count: number): Promise<void> {
  const start = await readNumber(page, 'step');
  for (let i = start + 1; i <= start + count; i++) {
    await expect(page.getByTestId('step-button')).toBeEnabled({ timeout: 60_000 });
    await page.getByTestId('step-button').click();
    await expect(page.getByTestId('step')).toHaveText(String(i), { timeout: 60_000 });
  }
}

/** The decoded image's pixels (red channel, hex), to compare exactly. */
export async function decodedPixelsHex(page: Page): Promise<string> {
  return page.getByTestId('decoded').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let out = '';
    for (let i = 0; i < data.length; i += 4) out += data[i].toString(16).padStart(2, '0');
    return out;
  });
}
