/** Units for information quantities: natural log (nats) or log base 2 (bits). */
export type InfoUnit = 'bits' | 'nats';

/** 1 nat = 1/ln 2 ≈ 1.4427 bits. */
export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}

export function bitsToNats(bits: number): number {
  return bits * Math.LN2;
}

/** Converts a value between units (identity when from === to, so no rounding is introduced). */
export function convertUnit(value: number, from: InfoUnit, to: InfoUnit): number {
  if (from === to) return value;
  return from === 'nats' ? natsToBits(value) : bitsToNats(value);
}

/** Every quantity is computed in nats internally and converted once at the end. */
export function fromNats(nats: number, unit: InfoUnit): number {
  return unit === 'bits' ? natsToBits(nats) : nats;
}

/** Formats a number for display: '∞' / '-∞' for infinities and '—' for NaN, never 'NaN'. */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return '—';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '-∞';
  const text = x.toFixed(digits);
  // A tiny negative rounding residue (e.g. -1e-17) would otherwise print as "-0.0000".
  return Number(text) === 0 ? (0).toFixed(digits) : text;
}

/** Formats an information quantity with its unit, e.g. "0.1054 bits" or "∞ nats" ('—' alone for NaN). */
export function formatQuantity(x: number, unit: InfoUnit, digits = 4): string {
  const number = formatNumber(x, digits);
  return number === '—' ? number : `${number} ${unit}`;
}
