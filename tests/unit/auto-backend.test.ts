/** `auto` backend choice with faked browser support and timings. */
import { describe, expect, it } from 'vitest';
import { chooseFastestBackend, type BackendProbe } from '../../src/lib/training/auto-backend';
import type { BackendName } from '../../src/lib/training/backend';
import { tinyData, tinySettings } from './tiny-data';

interface Fake {
  missing?: Partial<Record<BackendName, string>>;
  software?: string;
  /** A software WebGPU adapter's name. */
  softwareGpu?: string;
  /** ms per step; absent: cannot activate; 'throws': timing fails. */
  ms: Partial<Record<BackendName, number | 'throws'>>;
  /** Backends that start once and then refuse (e.g. a lost context after timing). */
  flaky?: BackendName[];
}

const NO_WEBGPU = 'this browser has no WebGPU (it may be turned off)';
const NO_WEBGPU_NOTE = `webgpu skipped: ${NO_WEBGPU}`;

function probe(fake: Fake): BackendProbe & { active: BackendName | null; activations: BackendName[] } {
  const activations: BackendName[] = [];
  const self = {
    active: null as BackendName | null,
    activations,
    // Like most browsers today: no WebGPU unless the case gives it a timing.
    missingSupport: async (b: BackendName) => fake.missing?.[b] ?? (b === 'webgpu' && fake.ms.webgpu === undefined ? NO_WEBGPU : null),
    softwareWebGlRenderer: () => fake.software ?? null,
    softwareWebGpuAdapter: async () => fake.softwareGpu ?? null,
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
      expect(choice).toEqual({ backend: expected, notes: [NO_WEBGPU_NOTE, note] });
      expect(fake.active).toBe(expected);
    }
  });

  it('times webgpu alongside webgl and wasm where the browser has it', async () => {
    const cases = [
      { ms: { webgpu: 3, webgl: 5, wasm: 20 }, expected: 'webgpu', note: 'auto timed webgpu 3 ms/step, webgl 5 ms/step, wasm 20 ms/step' },
      { ms: { webgpu: 8, webgl: 5, wasm: 20 }, expected: 'webgl', note: 'auto timed webgl 5 ms/step, webgpu 8 ms/step, wasm 20 ms/step' },
    ] as const;
    for (const { ms, expected, note } of cases) {
      const fake = probe({ ms });
      const choice = await chooseFastestBackend(data, settings, fake);
      expect(choice).toEqual({ backend: expected, notes: [note] });
      expect(fake.active).toBe(expected);
    }
  });

  it('skips a software WebGPU adapter without timing it, even when it is the only GPU backend', async () => {
    const fake = probe({ softwareGpu: 'SwiftShader', missing: { webgl: 'WebGL is turned off or not supported in this browser' }, ms: { webgpu: 1, wasm: 50 } });
    const choice = await chooseFastestBackend(data, settings, fake);
    expect(choice).toEqual({
      backend: 'wasm',
      notes: ['webgl skipped: WebGL is turned off or not supported in this browser', 'webgpu skipped: its adapter, SwiftShader, computes in software (slower than wasm)'],
    });
    expect(fake.activations).not.toContain('webgpu');
  });

  it('a software WebGPU adapter does not stop a hardware WebGL renderer from being timed', async () => {
    const fake = probe({ softwareGpu: 'SwiftShader', ms: { webgpu: 1, webgl: 4, wasm: 9 } });
    const choice = await chooseFastestBackend(data, settings, fake);
    expect(choice.backend).toBe('webgl');
    expect(choice.notes).toEqual(['webgpu skipped: its adapter, SwiftShader, computes in software (slower than wasm)', 'auto timed webgl 4 ms/step, wasm 9 ms/step']);
  });

  it('skips a software WebGL renderer without timing it', async () => {
    const fake = probe({ software: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))', ms: { webgl: 1, wasm: 50 } });
    const choice = await chooseFastestBackend(data, settings, fake);
    expect(choice.backend).toBe('wasm');
    expect(fake.activations).not.toContain('webgl');
    expect(choice.notes).toEqual([NO_WEBGPU_NOTE, 'webgl skipped: its renderer, SwiftShader, draws in software (slower than wasm)']);
  });

  it('names what is missing and falls back to cpu when nothing else starts', async () => {
    const fake = probe({ missing: { webgl: 'this browser has no WebGL in workers', wasm: 'this browser has no WebAssembly' }, ms: {} });
    const choice = await chooseFastestBackend(data, settings, fake);
    expect(choice).toEqual({ backend: 'cpu', notes: [NO_WEBGPU_NOTE, 'webgl skipped: this browser has no WebGL in workers', 'wasm skipped: this browser has no WebAssembly'] });
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
