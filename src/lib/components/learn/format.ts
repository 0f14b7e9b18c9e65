/** Display helpers shared by the lab's panels (pure; no DOM). */
import { formatNumber } from '../../learn/math';

/**
 * At least 4 decimals and at least 4 significant digits (0.1054, 0.02014, 1.5219), so small KL values
 * keep their precision. ∞ and NaN use formatNumber's '∞' and '—'.
 */
export function formatSig(x: number): string {
  if (!Number.isFinite(x) || x === 0) return formatNumber(x, 4);
  const decimals = Math.min(8, Math.max(4, 3 - Math.floor(Math.log10(Math.abs(x)))));
  return formatNumber(x, decimals);
}

/** Outcome names A, B, C, … (at most 10 outcomes). */
export function outcomeName(index: number): string {
  return String.fromCharCode(65 + index);
}

/** Sets outcome i to v (clamped to [0, 1]) and rescales the others so the total stays 1. */
export function setProbability(values: readonly number[], index: number, v: number): number[] {
  const value = Math.min(1, Math.max(0, v));
  const rest = 1 - values[index];
  const n = values.length;
  return values.map((old, j) => {
    if (j === index) return value;
    // If the others were all 0 there is nothing to scale, so share the remainder equally.
    return rest > 1e-12 ? (old * (1 - value)) / rest : (1 - value) / (n - 1);
  });
}

/** Adds (new outcome gets an equal share) or removes the last outcome, keeping Σ = 1. */
export function resize(values: readonly number[], n: number): number[] {
  if (n > values.length) {
    const share = 1 / n;
    return [...values.map((v) => v * (1 - share * (n - values.length))), ...Array(n - values.length).fill(share)];
  }
  const kept = values.slice(0, n);
  const sum = kept.reduce((a, b) => a + b, 0);
  return sum > 0 ? kept.map((v) => v / sum) : kept.map(() => 1 / n);
}

/** A uniform distribution over n outcomes. */
export function uniform(n: number): number[] {
  return Array.from({ length: n }, () => 1 / n);
}
