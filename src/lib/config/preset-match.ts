import { PRESETS, type Preset } from './presets';
import type { PlaygroundConfig } from './types';
import { configsEqual, parseConfig } from './url';

/** Keys that do not change what a preset is about: where it runs and what the page shows. */
const VIEW_KEYS = ['backend', 'seed', 'padx', 'pady', 'probe', 'embed'] as const;

/** The preset whose settings `config` has (ignoring view keys), or null. */
export function presetFor(config: PlaygroundConfig): Preset | null {
  for (const preset of PRESETS) {
    const settings = { ...parseConfig(preset.query).config };
    for (const key of VIEW_KEYS) (settings as Record<string, unknown>)[key] = config[key];
    if (configsEqual(settings, config)) return preset;
  }
  return null;
}
