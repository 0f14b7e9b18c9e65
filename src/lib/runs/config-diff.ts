import { SCHEMA, type FieldSpec } from '../config/schema';
import { formatValue, parseConfig } from '../config/url';
import type { PlaygroundConfig } from '../config/types';

/**
 * Legend labels for several runs that name only what differs between them:
 * "β = 4" against "β = 1", not the whole configuration. Pure: it reads the
 * runs' link queries with the link rules and the schema's own labels.
 */

/** Settings that only change what is on screen, never what is learned: never named. */
const VIEW_KEYS: ReadonlySet<string> = new Set(['padx', 'pady', 'probe']);
/** A label names at most this many settings; more are counted ("+2 more"). */
export const MAX_NAMED = 3;

/** The schema label without its parenthetical: "β (KL weight)" → "β". */
export function shortLabel(field: FieldSpec): string {
  return field.label.replace(/\s*\(.*\)\s*$/, '');
}

/** The settings (in schema order) whose values are not the same in every config. */
export function differingFields(configs: readonly PlaygroundConfig[]): FieldSpec[] {
  return SCHEMA.filter((field) => {
    if (VIEW_KEYS.has(field.key)) return false;
    const values = new Set(configs.map((c) => formatValue(c[field.key])));
    return values.size > 1;
  });
}

/** One label per config, in order; every label is different from the others. */
export function differenceLabels(configs: readonly PlaygroundConfig[]): string[] {
  const fields = differingFields(configs);
  const labels = configs.map((config) => {
    const parts = fields.slice(0, MAX_NAMED).map((f) => `${shortLabel(f)} = ${formatValue(config[f.key])}`);
    if (fields.length > MAX_NAMED) parts.push(`+${fields.length - MAX_NAMED} more`);
    return parts.join('; ');
  });
  // Identical settings (or differences beyond the named few): the runs are told apart by their place.
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return labels.map((label, i) => {
    if (!label) return `run ${i + 1}`;
    return counts.get(label) === 1 ? label : `${label} (run ${i + 1})`;
  });
}

/** The same for runs stored as playground link queries. */
export function queryDifferenceLabels(queries: readonly string[]): string[] {
  return differenceLabels(queries.map((q) => parseConfig(q).config));
}
