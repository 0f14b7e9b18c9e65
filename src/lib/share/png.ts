/**
 * Puts a PNG (a chart drawn on a transparent canvas) on the page's surface
 * colour, so the exported file reads the same in any image viewer as on screen,
 * dark theme included.
 */
export async function onSurface(dataUrl: string): Promise<string> {
  const image = new Image();
  image.src = dataUrl;
  await image.decode();
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return dataUrl;
  ctx.canvas.width = image.naturalWidth;
  ctx.canvas.height = image.naturalHeight;
  ctx.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--surface').trim() || '#fff';
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.drawImage(image, 0, 0);
  return ctx.canvas.toDataURL('image/png');
}
