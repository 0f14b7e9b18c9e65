/** `auto` backend choice with faked browser support and timings. */
import { describe, expect, it } from 'vitest';
import { chooseFastestBackend, type BackendProbe } from '../../src/lib/training/auto-backend';
import type { BackendName } from '../../src/lib/training/backend';
import { tinyData, tinySettings } from './tiny-data';

interface Fake {
  missing?: Partial<Record<BackendName, string>>;
  software?: string;
  /** ms per step; absent: cannot activate; 'throws': timing fails. */
  ms: Partial<Record<BackendName, number | 'throws'>>;
  /** Backends that start once and then refuse (e.g. a lost context after timing). */
  flaky?: BackendName[];
}

function probe(fake: Fake): BackendProbe & { active: BackendName | null; activations: BackendName[] } {
  const activations: BackendName[] = [];
  const self = {
    active: null as BackendName | null,
    activations,
    missingSupport: (b: BackendName) => fake.missing?.[b] ?? null,
    softwareWebGlRenderer: () => fake.software ?? null,
    activateBackend: async (b: BackendName) => {
      activations.push(b);
      const ok = b === 'cpu' || (fake.ms[b] !== undefined && !(fake.flaky?.includes(b) && activations.filter((x) => x === b).length > 1));
      if (ok) self.active = b;
      return ok;
    },
    timeSteps: async () => {
      const ms = fake.ms[self.active!];
      if (ms === 'throws') throw new Error('shader failed to compile');
      return ms as number;
    },
  };
  return self;
}

const data = tinyData(16, 4);
const settings = tinySettings();

describe('auto backend choice', () => {
  it('keeps the faster of webgl and wasm, activates it last, and says what it timed', async () => {
    const cases = [
      { ms: { webgl: 4, wasm: 20 }, expected: 'webgl', note: 'auto timed webgl 4 ms/step, wasm 20 ms/step' },
      { ms: { webgl: 30, wasm: 9 }, expected: 'wasm', note: 'auto timed wasm 9 ms/step, webgl 30 ms/step' },
    ] as const;
    for (const { ms, expected, note } of cases) {
      const fake = probe({ ms });
      const choice = await chooseFastestBackend(data, settings, fake);
      expect(choice).toEqual({ backend: expected, notes: [note] });
      expect(fake.active).toBe(expected);
    }
  });

  it('skips a software WebGL renderer without timing it', async () => {
    const fake = probe({ software: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))', ms: { webgl: 1, wasm: 50 } });
    const choice = await chooseFastestBackend(data, settings, fake);
    expect(choice.backend).toBe('wasm');
    expect(fake.activations).not.toContain('webgl');
    expect(choice.notes[0]).toBe('webgl skipped: its renderer, SwiftShader, draws in software (slower than wasm)');
  });

  it('names what is missing and falls back to cpu when nothing else starts', async () => {
    const fake = probe({ missing: { webgl: 'this browser has no WebGL in workers', wasm: 'this browser has no WebAssembly' }, ms: {} });
    const choice = await chooseFastestBackend(data, settings, fake);
    expect(choice).toEqual({ backend: 'cpu', notes: ['webgl skipped: this browser has no WebGL in workers', 'wasm skipped: this browser has no WebAssembly'] });
  });

  it('a backend whose timing fails is left out with the reason', async () => {
    const fake = probe({ ms: { webgl: 'throws', wasm: 12 } });
    const choice = await chooseFastestBackend(data, settings, fake);
    expect(choice.backend).toBe('wasm');
    expect(choice.notes).toContain('webgl failed: shader failed to compile');
  });

  it('refuses to claim a backend that stopped working after it won', async () => {
    const fake = probe({ ms: { webgl: 2, wasm: 12 }, flaky: ['webgl'] });
    await expect(chooseFastestBackend(data, settings, fake)).rejects.toThrow('webgl stopped working');
  });
});
