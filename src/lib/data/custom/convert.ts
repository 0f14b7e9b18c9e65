import { preprocessDrawing } from '../../latent/mnist-preprocess';

/**
 * Turns a decoded picture (RGBA bytes) into an MNIST-style 28×28 grey image:
 * ink is bright on a dark background, as in MNIST. Pictures drawn dark on a
 * light background need `invert`. Transparent pixels count as background.
 * Fitting and centring are the drawing pad's (preprocessDrawing): the ink is
 * scaled into a 20×20 box and its centre of mass put at the frame's centre.
 * Pure: no DOM.
 */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number, invert: boolean): Float32Array {
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const r = rgba[4 * i];
    const g = rgba[4 * i + 1];
    const b = rgba[4 * i + 2];
    const alpha = rgba[4 * i + 3] / 255;
    const luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    out[i] = alpha * (invert ? 1 - luminance : luminance);
  }
  return out;
}

export type Converted = { ok: true; pixels: Float32Array } | { ok: false; message: string };

export function convertRgba(rgba: ArrayLike<number>, width: number, height: number, invert: boolean): Converted {
  if (rgba.length !== width * height * 4) return { ok: false, message: `expected ${width}×${height} RGBA pixels` };
  const result = preprocessDrawing(inkFromRgba(rgba, width, height, invert), width, height);
  if (result.ok) return result;
  if (result.reason === 'empty') {
    return { ok: false, message: invert ? 'the image is blank: no dark ink on it (try without "dark on light")' : 'the image is blank: no bright ink on it (try "dark on light")' };
  }
  return { ok: false, message: result.message };
}
