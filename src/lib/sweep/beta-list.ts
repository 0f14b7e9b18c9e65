/**
 * The β sweep's settings: a list of β values typed as text, and the epochs
 * each is trained for. Pure (no Svelte, no tfjs): the page parses what the
 * user typed, the worker checks what it receives with the same bounds.
 */

/** β's bounds are the playground's own (config/schema.ts). */
export const SWEEP_BETA_MIN = 0;
export const SWEEP_BETA_MAX = 50;
export const SWEEP_MAX_VALUES = 12;
export const SWEEP_EPOCHS_MIN = 1;
export const SWEEP_EPOCHS_MAX = 20;
export const SWEEP_EPOCHS_DEFAULT = 1;

/** `count` values from `from` to `to`, evenly spaced on a log scale, rounded to two significant digits. */
export function logSpaced(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Number((from * (to / from) ** (i / (count - 1))).toPrecision(2)));
}

/** 0.1, 0.21, 0.43, 0.89, 1.9, 3.9, 8. */
export const DEFAULT_SWEEP_BETAS = logSpaced(0.1, 8, 7);

export function formatBetaList(betas: readonly number[]): string {
  return betas.join(', ');
}

export type BetaListResult = { betas: number[]; notes: string[] } | { problem: string };

/**
 * Reads "0.1, 0.3, 1" (commas, semicolons or spaces between values). A value
 * out of bounds is clamped, one that is not a number is left out, repeats are
 * dropped, and the list is sorted; each change gets a note naming the value
 * and what was used instead. Fails only when no value is left.
 */
export function parseBetaList(text: string): BetaListResult {
  const tokens = text.split(/[\s,;]+/).filter((t) => t !== '');
  if (tokens.length === 0) return { problem: `Enter at least one β, for example ${formatBetaList(DEFAULT_SWEEP_BETAS)}.` };
  const notes: string[] = [];
  const values: number[] = [];
  for (const token of tokens) {
    const value = Number(token);
    if (!Number.isFinite(value)) {
      notes.push(`“${token}” is not a number, so it was left out.`);
    } else if (value < SWEEP_BETA_MIN) {
      notes.push(`β = ${token} is below ${SWEEP_BETA_MIN}; ${SWEEP_BETA_MIN} was used instead.`);
      values.push(SWEEP_BETA_MIN);
    } else if (value > SWEEP_BETA_MAX) {
      notes.push(`β = ${token} is above ${SWEEP_BETA_MAX}; ${SWEEP_BETA_MAX} was used instead.`);
      values.push(SWEEP_BETA_MAX);
    } else {
      values.push(value);
    }
  }
  const unique = [...new Set(values)].sort((a, b) => a - b);
  if (unique.length < values.length) notes.push('Repeated values were trained once.');
  if (unique.length === 0) return { problem: `No β is left to train: ${notes.join(' ')}` };
  if (unique.length > SWEEP_MAX_VALUES) {
    notes.push(`A sweep takes at most ${SWEEP_MAX_VALUES} values; the ${SWEEP_MAX_VALUES} smallest were used (${unique.slice(SWEEP_MAX_VALUES).join(', ')} left out).`);
    unique.length = SWEEP_MAX_VALUES;
  }
  return { betas: unique, notes };
}

/** Why the epochs per value cannot be used, or null. */
export function sweepEpochsProblem(epochs: number): string | null {
  return Number.isInteger(epochs) && epochs >= SWEEP_EPOCHS_MIN && epochs <= SWEEP_EPOCHS_MAX
    ? null
    : `Epochs per value must be a whole number from ${SWEEP_EPOCHS_MIN} to ${SWEEP_EPOCHS_MAX}.`;
}

/** The worker's check of a sweep request: what the page sends has been parsed, but a message is a boundary. */
export function sweepRequestProblem(betas: readonly number[], epochs: number): string | null {
  if (!Array.isArray(betas) || betas.length === 0) return 'a sweep needs at least one β';
  if (betas.length > SWEEP_MAX_VALUES) return `a sweep takes at most ${SWEEP_MAX_VALUES} values of β`;
  const bad = betas.find((b) => typeof b !== 'number' || !Number.isFinite(b) || b < SWEEP_BETA_MIN || b > SWEEP_BETA_MAX);
  if (bad !== undefined) return `β = ${bad} is outside ${SWEEP_BETA_MIN}–${SWEEP_BETA_MAX}`;
  return sweepEpochsProblem(epochs);
}
