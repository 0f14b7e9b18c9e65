import type { JSHandle, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { drawnPngs, pointsCsv, type UploadFile } from './upload-files';

/** A DataTransfer made in the page, carrying real File objects built from the bytes, as a drag from the desktop does. */
function dataTransfer(page: Page, files: UploadFile[]): Promise<JSHandle<DataTransfer>> {
  const sent = files.map((f) => ({ name: f.name, type: f.mimeType, base64: f.buffer.toString('base64') }));
  return page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    return transfer;
  }, sent);
}

test('files dropped on the upload zone are read: the zone lights up while dragging, and the set loads', async ({ page, consoleErrors }) => {
  await page.goto('./?backend=cpu&hidden=16');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  const zone = page.getByTestId('data-upload');

  // Dragging over lights the zone up; leaving it turns it off again.
  const pngs = await dataTransfer(page, await drawnPngs(page, 20));
  await zone.dispatchEvent('dragenter', { dataTransfer: pngs });
  await zone.dispatchEvent('dragover', { dataTransfer: pngs });
  await expect(zone).toHaveAttribute('data-dragging', 'true');
  await expect(page.getByText('Drop the files to read them')).toBeVisible();
  await zone.dispatchEvent('dragleave', { dataTransfer: pngs });
  await expect(zone).toHaveAttribute('data-dragging', 'false');

  // A drop reads the files like a choice does.
  await zone.dispatchEvent('dragenter', { dataTransfer: pngs });
  await zone.dispatchEvent('dragover', { dataTransfer: pngs });
  await zone.dispatchEvent('drop', { dataTransfer: pngs });
  await expect(page.getByTestId('data-summary')).toHaveText('Read: 20 images in 2 classes: 16 train, 4 test (bar, ring)');
  await expect(zone).toHaveAttribute('data-dragging', 'false');
  await expect(page.getByText('Choose or drop files')).toBeVisible();

  // A dropped CSV of points too.
  const csv = await dataTransfer(page, [pointsCsv(50)]);
  await zone.dispatchEvent('dragenter', { dataTransfer: csv });
  await zone.dispatchEvent('drop', { dataTransfer: csv });
  await expect(page.getByTestId('data-summary')).toHaveText('Read: 50 points in 2 classes: 40 train, 10 test (inner, outer)');
  expect(consoleErrors).toEqual([]);
});
