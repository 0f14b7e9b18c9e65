import { describe, expect, it } from 'vitest';
import threadedFactory, { loadThreadedGlue, wasmWorkerContents } from '../../src/lib/training/wasm-threaded-glue';
import * as glueModule from '../../src/lib/training/wasm-threaded-glue';

/**
 * The stand-in vite.config.ts puts where tfjs-backend-wasm imports its threaded
 * glue: unusable until loaded, then the real factory in every way tfjs uses it
 * (called, and turned into source text for the pthread workers).
 */
describe('the threaded wasm glue stand-in', () => {
  it('refuses to start threads before the glue is loaded, saying why', () => {
    expect(wasmWorkerContents).toBe('');
    expect(() => threadedFactory({})).toThrow(/threaded WebAssembly code was not loaded/);
  });

  it('once loaded, hands tfjs the real factory source and the pthread script', async () => {
    await loadThreadedGlue();
    const real = (await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js')).default as unknown as () => unknown;
    // Compared as a flag: a mismatch would print 55 KB of source twice.
    expect(threadedFactory.toString() === real.toString()).toBe(true);
    expect(threadedFactory.toString()).toContain('GROWABLE_HEAP_I8');
    // The live binding tfjs reads when it makes the pthread workers' blob.
    expect(glueModule.wasmWorkerContents).toContain('WasmBackendModuleThreadedSimd(Module)');
  });
});
