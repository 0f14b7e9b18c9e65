import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice } from '../config/types';
import { webGpuMissing } from './webgpu-support';
import { configureWasmThreads } from './wasm-threads';
import { loadThreadedGlue } from './wasm-threaded-glue';

export type BackendName = Exclude<BackendChoice, 'auto'>;

/** After an explicit choice fails: the GPU backends first (WebGL is the one most browsers have), then the CPU ones. */
const FALLBACK_ORDER: BackendName[] = ['webgl', 'webgpu', 'wasm', 'cpu'];

/**
 * One thread runs the single-threaded SIMD build: its binary and glue are
 * smaller than the threaded build's, which loads only when more than one
 * thread is chosen and the page can run threads (cross-origin isolated, with
 * SIMD). tfjs picks the threaded build whenever threads are possible, so the
 * flag it reads says no for one thread.
 */
async function chooseWasmBuild(threads: number): Promise<void> {
  const env = tf.env();
  if (threads > 1 && (await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) && (await env.getAsync('WASM_HAS_SIMD_SUPPORT'))) {
    await loadThreadedGlue();
    return;
  }
  env.set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}

/** Each backend's code (and the wasm binaries) loads only when it is tried. */
async function register(name: BackendName): Promise<void> {
  switch (name) {
    case 'webgl': {
      await import('@tensorflow/tfjs-backend-webgl');
      // The training step's fused programs (registered for 'webgl' as they load).
      await import('../model/webgl/kernels');
      // Shape uniforms would cut shader compiles (cold start 7.6–8.5 s → 5.7–7.6 s
      // on SwiftShader) but slowed every step (≈420 → ≈275 samples/s): left off.
      tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', false);
      return;
    }
    case 'webgpu':
      // Registers only where navigator.gpu exists; missingSupport checked that first.
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'wasm': {
      // The backend without its kernels: only the first steps' load now (completeKernels adds the rest).
      const wasm = await import('@tensorflow/tfjs-backend-wasm/dist/base');
      await import('../model/wasm/first-kernels');
      // The training step's heap kernels (registered for 'wasm' as they load).
      await import('../model/wasm/kernels');
      const [plain, simd, threaded] = await Promise.all([
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
      ]);
      await chooseWasmBuild(configureWasmThreads(wasm));
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': plain.default,
        'tfjs-backend-wasm-simd.wasm': simd.default,
        'tfjs-backend-wasm-threaded-simd.wasm': threaded.default,
      });
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
  }
}

let wasmKernelsComplete: Promise<void> | null = null;

/**
 * The wasm backend starts with the kernels its first steps need
 * (model/wasm/first-kernels.ts); this registers the rest. Called after the
 * first step, and awaited before anything but training runs. Resolves at
 * once on the other backends, which load whole.
 */
export function completeKernels(): Promise<void> {
  if (tf.getBackend() !== 'wasm') return Promise.resolve();
  wasmKernelsComplete ??= import('../model/wasm/all-kernels').then(
    ({ registerRemainingWasmKernels }) => {
      registerRemainingWasmKernels(tf.backend());
    },
    (error: unknown) => {
      // A failed download (a dropped connection) is tried again by the next call.
      wasmKernelsComplete = null;
      throw error;
    },
  );
  return wasmKernelsComplete;
}

/** Registers and switches to one backend; false if it cannot start here. */
export async function activateBackend(name: BackendName): Promise<boolean> {
  await register(name);
  if (!(await tf.setBackend(name))) return false;
  await tf.ready();
  return true;
}

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;

/** The WebGL renderer's name, or null when this worker cannot draw with WebGL at all. */
function webGlRenderer(): string | null {
  try {
    if (typeof OffscreenCanvas === 'undefined') return null;
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}

/**
 * The WebGL renderer's name when it is a software rasterizer (then WebGL is
 * slower than wasm and not worth timing); null for hardware or no WebGL.
 */
export function softwareWebGlRenderer(): string | null {
  const renderer = webGlRenderer();
  return renderer !== null && SOFTWARE_RENDERERS.test(renderer) ? renderer : null;
}

/**
 * Why a backend cannot run in this browser, found before its code loads, in
 * words for the page; null when it may. cpu needs nothing.
 */
export async function missingSupport(name: BackendName): Promise<string | null> {
  switch (name) {
    case 'webgpu':
      return webGpuMissing();
    case 'webgl':
      if (typeof OffscreenCanvas === 'undefined') return 'this browser cannot use WebGL in a background worker (no OffscreenCanvas)';
      return webGlRenderer() === null ? 'WebGL is turned off or not supported in this browser' : null;
    case 'wasm':
      return typeof WebAssembly === 'undefined' ? 'this browser has no WebAssembly (it may be turned off)' : null;
    case 'cpu':
      return null;
  }
}

/** The canvas behind tfjs's WebGL context, to hear about context loss. */
export function webglCanvas(): OffscreenCanvas | HTMLCanvasElement | null {
  const backend = tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } } | null;
  return backend?.gpgpu?.gl?.canvas ?? null;
}

/**
 * Calls `lost` once when the WebGPU device tfjs trains on is lost (the webgpu
 * twin of a lost WebGL context): a driver reset, the GPU unplugged, the
 * browser reclaiming it. Any reason counts, "destroyed" too: tfjs never
 * destroys its own device, and a destroyed one runs nothing either way.
 * A device already in `watched` is not watched twice.
 */
export function watchWebGpuDevice(watched: WeakSet<object>, lost: () => void): void {
  const backend = tf.findBackend('webgpu') as unknown as { device?: GPUDevice } | null;
  const device = backend?.device;
  if (!device || watched.has(device)) return;
  watched.add(device);
  void device.lost.then(() => lost());
}

/**
 * When training runs on webgpu: resolves once the device's loss has been
 * reported, or after `waitMs` if it is not being lost. At once elsewhere.
 */
export async function webGpuLossReported(waitMs: number): Promise<void> {
  if (tf.getBackend() !== 'webgpu') return;
  const device = (tf.findBackend('webgpu') as unknown as { device?: GPUDevice } | null)?.device;
  if (!device) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Handlers run in the order they were added: watchWebGpuDevice's has run by the time this one does.
  await Promise.race([device.lost, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  clearTimeout(timer);
}

export interface BackendOutcome {
  backend: BackendName;
  /** Why earlier choices were skipped, for the UI. */
  notes: string[];
}

/** Tries the requested backend, then the rest of webgl → webgpu → wasm → cpu. */
export async function initBackend(choice: BackendChoice, avoid: readonly BackendName[] = []): Promise<BackendOutcome> {
  const preferred = choice === 'auto' ? FALLBACK_ORDER : [choice, ...FALLBACK_ORDER.filter((b) => b !== choice)];
  const order = preferred.filter((b) => !avoid.includes(b));
  const notes: string[] = [];
  for (const name of order) {
    const missing = await missingSupport(name);
    if (missing) {
      notes.push(`${name} skipped: ${missing}`);
      continue;
    }
    try {
      await register(name);
      if (await tf.setBackend(name)) {
        await tf.ready();
        return { backend: name, notes };
      }
      notes.push(`${name} is not available in this browser`);
    } catch (error) {
      notes.push(`${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`the model cannot run in this browser: no backend could start (${notes.join('; ')})`);
}
