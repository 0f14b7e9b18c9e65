/**
 * A loss or metric as people read it: fixed decimals while it is of ordinary
 * size, scientific notation once it is huge (never a 17-digit number), and
 * '–' for anything that is not a finite number (never NaN).
 */
export function readableNumber(value: number | undefined | null, decimals = 2): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '–';
  return Math.abs(value) >= 1e5 ? value.toExponential(2) : value.toFixed(decimals);
}
