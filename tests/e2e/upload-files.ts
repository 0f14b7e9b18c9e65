import type { Page } from '@playwright/test';

export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/**
 * `count` small PNGs drawn in the page (a canvas and toBlob, the browser's own
 * encoder): "bar_i.png" are upright bars, "ring_i.png" rings, white on black,
 * each a little different, so loose-file labels give two classes.
 */
export async function drawnPngs(page: Page, count: number): Promise<UploadFile[]> {
  const encoded = await page.evaluate(async (n) => {
    const out: { name: string; base64: string }[] = [];
    for (let i = 0; i < n; i++) {
      const canvas = document.createElement('canvas');
      canvas.width = 40;
      canvas.height = 40;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, 40, 40);
      ctx.strokeStyle = ctx.fillStyle = '#fff';
      ctx.lineWidth = 3 + (i % 3);
      const ring = i % 2 === 1;
      if (ring) {
        ctx.beginPath();
        ctx.arc(20 + (i % 5) - 2, 20, 8 + (i % 4), 0, 2 * Math.PI);
        ctx.stroke();
      } else ctx.fillRect(14 + (i % 7), 4 + (i % 3), 4 + (i % 4), 30);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      out.push({ name: `${ring ? 'ring' : 'bar'}_${i}.png`, base64: btoa(binary) });
    }
    return out;
  }, count);
  return encoded.map((f) => ({ name: f.name, mimeType: 'image/png', buffer: Buffer.from(f.base64, 'base64') }));
}

/** A file named .zip that is not a zip. */
export const CORRUPT_ZIP: UploadFile = { name: 'photos.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\u0003\u0004 this is not really a zip file, just its first bytes and some text') };

/** A CSV of 784-pixel rows whose third row is one value short. */
export const RAGGED_CSV: UploadFile = (() => {
  const row = Array.from({ length: 784 }, (_, i) => (i % 3 === 0 ? 255 : 0)).join(',');
  return { name: 'pixels.csv', mimeType: 'text/csv', buffer: Buffer.from(`${row}\n${row}\n${row.slice(0, row.lastIndexOf(','))}\n${row}\n`) };
})();

/**
 * A CSV of x,y,label rows: `count` points on two rings (radius 1 and 2, "inner"
 * and "outer"), in big units far from the origin (×500, around (3000, −1000)),
 * so the page has to scale them.
 */
export function pointsCsv(count: number, name = 'rings.csv'): UploadFile {
  const rows = ['x,y,label'];
  for (let i = 0; i < count; i++) {
    const outer = i % 2 === 1;
    const angle = (i * 2.399963) % (2 * Math.PI); // golden angle: spread round each ring
    const r = (outer ? 2 : 1) * 500;
    rows.push(`${(3000 + r * Math.cos(angle)).toFixed(2)},${(-1000 + r * Math.sin(angle)).toFixed(2)},${outer ? 'outer' : 'inner'}`);
  }
  return { name, mimeType: 'text/csv', buffer: Buffer.from(`${rows.join('\n')}\n`) };
}
