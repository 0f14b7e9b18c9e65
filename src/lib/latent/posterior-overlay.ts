import { latentToPad, type PadGeometry } from './pad-geometry';

/** What the pad draws for a probed image: q(z|x) on the shown dimensions and, for a 2-D latent, p(z|x). */
export interface ProbeOverlay {
  /** q's mean and standard deviation on the pad's x and y dimensions. */
  mu: [number, number];
  sigma: [number, number];
  /** The true posterior's mass on a side × side window (row 0 at the top), or null. */
  posterior: { cx: number; cy: number; half: number; side: number; mass: Float32Array } | null;
}

function hexToRgb(colour: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour.trim());
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [79, 70, 229];
}

/** The posterior as a heat map (opacity ∝ density, square-root scaled so the tails show) under q's 1σ and 2σ ellipses. */
export function drawProbeOverlay(ctx: CanvasRenderingContext2D, g: PadGeometry, probe: ProbeOverlay, colours: { heat: string; line: string; halo: string }): void {
  const post = probe.posterior;
  if (post) {
    let max = 0;
    for (const m of post.mass) if (m > max) max = m;
    const tile = document.createElement('canvas');
    tile.width = post.side;
    tile.height = post.side;
    const tctx = tile.getContext('2d');
    if (tctx && max > 0) {
      const image = tctx.createImageData(post.side, post.side);
      const [r, gr, b] = hexToRgb(colours.heat);
      for (let i = 0; i < post.mass.length; i++) {
        image.data[4 * i] = r;
        image.data[4 * i + 1] = gr;
        image.data[4 * i + 2] = b;
        image.data[4 * i + 3] = Math.round(230 * Math.sqrt(post.mass[i] / max));
      }
      tctx.putImageData(image, 0, 0);
      const left = latentToPad(post.cx - post.half, 'x', g);
      const top = latentToPad(post.cy + post.half, 'y', g);
      const width = latentToPad(post.cx + post.half, 'x', g) - left;
      const height = latentToPad(post.cy - post.half, 'y', g) - top;
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(tile, left, top, width, height);
    }
  }
  const px = latentToPad(probe.mu[0], 'x', g);
  const py = latentToPad(probe.mu[1], 'y', g);
  const scale = g.size / (2 * g.range);
  for (const k of [2, 1]) {
    const rx = Math.max(1.5, probe.sigma[0] * k * scale);
    const ry = Math.max(1.5, probe.sigma[1] * k * scale);
    ctx.setLineDash(k === 2 ? [4, 3] : []);
    for (const [colour, width] of [[colours.halo, 4], [colours.line, 2]] as const) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = width;
      ctx.beginPath();
      ctx.ellipse(px, py, rx, ry, 0, 0, Math.PI * 2);
      ctx.stroke();
    }
  }
  ctx.setLineDash([]);
  ctx.fillStyle = colours.line;
  ctx.beginPath();
  ctx.arc(px, py, 2.5, 0, Math.PI * 2);
  ctx.fill();
}
