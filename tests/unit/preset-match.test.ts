import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/lib/config/presets';
import { presetFor } from '../../src/lib/config/preset-match';
import { parseConfig } from '../../src/lib/config/url';

describe('presetFor', () => {
  it('finds every preset from its own link, also with view keys added', () => {
    for (const preset of PRESETS) {
      expect(presetFor(parseConfig(preset.query).config)?.id).toBe(preset.id);
      const extra = `${preset.query}${preset.query ? '&' : ''}backend=wasm&seed=3&probe=12&embed=1`;
      expect(presetFor(parseConfig(extra).config)?.id, extra).toBe(preset.id);
    }
  });
  it('finds none when a setting a preset is about differs', () => {
    expect(presetFor(parseConfig('beta=3').config)).toBeNull();
    expect(presetFor(parseConfig('beta=4&hidden=64').config)).toBeNull();
    expect(presetFor(parseConfig('lr=0.01').config)).toBeNull();
  });
});
