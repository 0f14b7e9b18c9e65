import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice } from '../config/types';

export type BackendName = Exclude<BackendChoice, 'auto'>;

const FALLBACK_ORDER: BackendName[] = ['webgl', 'wasm', 'cpu'];

/** Each backend's code (and the wasm binaries) loads only when it is tried. */
async function register(name: BackendName): Promise<void> {
  switch (name) {
    case 'webgl': {
      await import('@tensorflow/tfjs-backend-webgl');
      // Shape uniforms let one compiled shader serve many shapes: far fewer compiles.
      tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', true);
      return;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const [plain, simd, threaded] = await Promise.all([
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
      ]);
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

export interface BackendOutcome {
  backend: BackendName;
  /** Why earlier choices were skipped, for the UI. */
  notes: string[];
}

/** Tries the requested backend, then the rest of webgl → wasm → cpu. */
export async function initBackend(choice: BackendChoice): Promise<BackendOutcome> {
  const order = choice === 'auto' ? FALLBACK_ORDER : [choice, ...FALLBACK_ORDER.filter((b) => b !== choice)];
  const notes: string[] = [];
  for (const name of order) {
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
  throw new Error(`no tfjs backend could start (${notes.join('; ')})`);
}
