import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { differenceLabels, queryDifferenceLabels, MAX_NAMED } from '../../src/lib/runs/config-diff';
import { parseConfig, serializeConfig } from '../../src/lib/config/url';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../src/lib/config/types';

describe('legend labels name only what differs', () => {
  it('β = 4 against β = 1, nothing else', () => {
    expect(queryDifferenceLabels(['hidden=32&batch=32&backend=cpu&beta=1', 'hidden=32&batch=32&backend=cpu&beta=4'])).toEqual(['β = 1', 'β = 4']);
  });

  it('several differing settings in schema order, with the schema labels', () => {
    expect(queryDifferenceLabels(['beta=2&lr=0.01', 'lr=0.001&hidden=64'])).toEqual([
      'Hidden layers = 512,256; β = 2; Learning rate = 0.01',
      'Hidden layers = 64; β = 1; Learning rate = 0.001',
    ]);
  });

  it('identical runs are told apart by their place', () => {
    expect(queryDifferenceLabels(['beta=3', 'beta=3'])).toEqual(['run 1', 'run 2']);
    expect(queryDifferenceLabels(['beta=3'])).toEqual(['run 1']);
  });

  it('a duplicate among different runs gets its place added', () => {
    expect(queryDifferenceLabels(['beta=1', 'beta=4', 'beta=1'])).toEqual(['β = 1 (run 1)', 'β = 4', 'β = 1 (run 3)']);
  });

  it('view-only settings (pad dimensions, probed image) are never named', () => {
    expect(queryDifferenceLabels(['latent=4&padx=2&probe=7', 'latent=4&padx=3'])).toEqual(['run 1', 'run 2']);
  });

  it('more than a few differences are counted, not listed', () => {
    const [a] = queryDifferenceLabels(['beta=2&lr=0.01&seed=1&batch=64&act=tanh', '']);
    expect(a.split('; ')).toHaveLength(MAX_NAMED + 1);
    expect(a.endsWith('+2 more')).toBe(true);
  });

  const config = fc.record({
    beta: fc.constantFrom(0, 0.5, 1, 4),
    lr: fc.constantFrom(0.001, 0.01),
    seed: fc.integer({ min: 0, max: 3 }),
    act: fc.constantFrom('relu', 'tanh'),
    probe: fc.integer({ min: -1, max: 3 }),
  }).map((c) => ({ ...DEFAULT_CONFIG, hidden: [...DEFAULT_CONFIG.hidden], ...c }) as PlaygroundConfig);

  it('property: one label per run, all different, each naming exactly the settings that differ', () => {
    fc.assert(fc.property(fc.array(config, { minLength: 1, maxLength: 6 }), (configs) => {
      const labels = differenceLabels(configs);
      expect(labels).toHaveLength(configs.length);
      expect(new Set(labels).size).toBe(labels.length);
      // Schema order: activation, β, learning rate, seed; only the first few differing ones are named.
      const differing = (['act', 'beta', 'lr', 'seed'] as const).filter((key) => new Set(configs.map((c) => String(c[key]))).size > 1);
      const differs = (key: (typeof differing)[number]) => differing.slice(0, MAX_NAMED).includes(key);
      labels.forEach((label, i) => {
        expect(label.includes('Activation = ')).toBe(differs('act'));
        expect(label.includes('β = ')).toBe(differs('beta'));
        expect(label.includes('Learning rate = ')).toBe(differs('lr'));
        expect(label.includes('Random seed = ')).toBe(differs('seed'));
        expect(label.includes('more')).toBe(differing.length > MAX_NAMED);
        expect(label).not.toContain('Probed');
        if (differs('beta')) expect(label).toContain(`β = ${configs[i].beta}`);
      });
    }));
  });

  it('property: reading the labels from links gives the same as from configs', () => {
    fc.assert(fc.property(fc.array(config, { minLength: 1, maxLength: 4 }), (configs) => {
      const queries = configs.map((c) => serializeConfig(c));
      expect(queryDifferenceLabels(queries)).toEqual(differenceLabels(queries.map((q) => parseConfig(q).config)));
      expect(queryDifferenceLabels(queries)).toEqual(differenceLabels(configs));
    }));
  });
});
