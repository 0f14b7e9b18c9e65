/**
 * The number of importance samples per image for "Evaluate now" (tfjs-free:
 * the page checks what was typed, the worker checks what arrives).
 */
export const IWAE_K_DEFAULT = 100;
export const IWAE_K_MAX = 1000;

/** Why `k` cannot be used, or null when it can. */
export function iwaeKProblem(k: unknown): string | null {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > IWAE_K_MAX) {
    return `K must be a whole number from 1 to ${IWAE_K_MAX.toLocaleString('en-US')}.`;
  }
  return null;
}

/** What was typed in the K field as a number, or the reason it is not one. */
export function parseIwaeK(text: string): { k: number } | { problem: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { problem: iwaeKProblem(NaN)! };
  const k = Number(trimmed);
  const problem = iwaeKProblem(k);
  return problem ? { problem } : { k };
}
