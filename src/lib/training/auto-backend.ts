import { activateBackend, missingSupport, softwareWebGlRenderer, type BackendName } from './backend';
import { softwareWebGpuAdapter } from './webgpu-support';
import type { TrainingData } from './dataset';
import { Trainer, type TrainerSettings } from './trainer';

export interface AutoChoice {
  backend: BackendName;
  notes: string[];
}

const TIMED_STEPS = 3;

/** A short, readable name for a renderer string like "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device …))". */
function rendererName(renderer: string): string {
  const known = /swiftshader|llvmpipe|softpipe|microsoft basic render/i.exec(renderer);
  if (known) return known[0].toLowerCase() === 'swiftshader' ? 'SwiftShader' : known[0];
  return renderer.length > 40 ? `${renderer.slice(0, 39)}…` : renderer;
}

/** Milliseconds per training step of this very model on the active backend (after one warm-up step). */
async function timeSteps(data: TrainingData, settings: TrainerSettings): Promise<number> {
  const trainer = new Trainer(data, settings);
  try {
    const warm = trainer.trainStep();
    await warm.data();
    warm.dispose();
    const start = performance.now();
    for (let i = 0; i < TIMED_STEPS; i++) {
      const stats = trainer.trainStep();
      await stats.data();
      stats.dispose();
    }
    return (performance.now() - start) / TIMED_STEPS;
  } finally {
    trainer.dispose();
  }
}

/** What `auto` asks of the browser; tests give fakes with fixed timings. */
export interface BackendProbe {
  missingSupport(backend: BackendName): Promise<string | null>;
  softwareWebGlRenderer(): string | null;
  /** The WebGPU adapter's name when it computes in software, else null. */
  softwareWebGpuAdapter(): Promise<string | null>;
  activateBackend(backend: BackendName): Promise<boolean>;
  /** Milliseconds per step of the configured model on the active backend. */
  timeSteps(data: TrainingData, settings: TrainerSettings): Promise<number>;
}

export const BROWSER_PROBE: BackendProbe = { missingSupport, softwareWebGlRenderer, softwareWebGpuAdapter, activateBackend, timeSteps };

/**
 * `auto`: time a few real steps of the configured model on each backend worth
 * trying and keep the fastest. A software WebGL renderer or WebGPU adapter
 * (SwiftShader, llvmpipe) is skipped without timing: it is always slower than
 * wasm, and its shader compiles alone would cost seconds. (Measured here on the
 * default model, same load: SwiftShader's WebGPU 6–10 samples/s with its first
 * step at 48–54 s, wasm 910 samples/s at 1.9 s.) (Without wasm the
 * choice is then cpu; a browser with WebGPU or WebGL has had WebAssembly for
 * years, so that case is not worth a timing.) The probe trains a throwaway
 * model, so the real run still starts from the weights its random seed gives.
 */
export async function chooseFastestBackend(data: TrainingData, settings: TrainerSettings, probe: BackendProbe = BROWSER_PROBE): Promise<AutoChoice> {
  const notes: string[] = [];
  const candidates: BackendName[] = [];
  for (const backend of ['webgpu', 'webgl', 'wasm'] as const) {
    const missing = await probe.missingSupport(backend);
    if (missing) notes.push(`${backend} skipped: ${missing}`);
    else candidates.push(backend);
  }
  const softwareGpu = candidates.includes('webgpu') ? await probe.softwareWebGpuAdapter() : null;
  if (softwareGpu) {
    notes.push(`webgpu skipped: its adapter, ${softwareGpu}, computes in software (slower than wasm)`);
    candidates.splice(candidates.indexOf('webgpu'), 1);
  }
  const software = candidates.includes('webgl') ? probe.softwareWebGlRenderer() : null;
  if (software) {
    notes.push(`webgl skipped: its renderer, ${rendererName(software)}, draws in software (slower than wasm)`);
    candidates.splice(candidates.indexOf('webgl'), 1);
  }

  const timings: { backend: BackendName; ms: number }[] = [];
  for (const backend of candidates) {
    try {
      if (!(await probe.activateBackend(backend))) {
        notes.push(`${backend} is not available`);
        continue;
      }
      if (candidates.length === 1) {
        timings.push({ backend, ms: 0 });
        break;
      }
      timings.push({ backend, ms: await probe.timeSteps(data, settings) });
    } catch (error) {
      notes.push(`${backend} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (timings.length === 0) {
    if (!(await probe.activateBackend('cpu'))) throw new Error(`no backend could start (${notes.join('; ')})`);
    return { backend: 'cpu', notes };
  }
  timings.sort((a, b) => a.ms - b.ms);
  const best = timings[0];
  if (timings.length > 1) notes.push(`auto timed ${timings.map((t) => `${t.backend} ${t.ms.toFixed(0)} ms/step`).join(', ')}`);
  if (!(await probe.activateBackend(best.backend))) throw new Error(`${best.backend} stopped working`);
  return { backend: best.backend, notes };
}
