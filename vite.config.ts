import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { minifySync, type Plugin } from 'vite';
import { playwright } from '@vitest/browser-playwright';
import { writePackedMnist } from './src/lib/data/mnist-source.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
// Static hosts need to send the same two headers for the fastest wasm path.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Packs the MNIST digits into static/data/mnist.bin once the config is resolved:
 * before the dev server lists static/ (a file written later is not served until
 * its next start), before a build copies static/ into dist/, and in preview.
 * Skips the work when an up-to-date file is already there.
 */
function packMnist(): Plugin {
  return {
    name: 'pack-mnist',
    configResolved(config) {
      const { written, bytes } = writePackedMnist(join(config.publicDir, 'data', 'mnist.bin'));
      if (written) config.logger.info(`packed MNIST into static/data/mnist.bin (${(bytes / 1e6).toFixed(1)} MB)`);
    },
  };
}

/** tfjs-backend-wasm's threaded Emscripten glue: tfjs rebuilds its pthread workers from this code's source text. */
const THREADED_GLUE = /tfjs-backend-wasm\/wasm-out\/tfjs-backend-wasm-threaded-simd\.js$/;

/**
 * Minifies the worker's chunks, all but the one holding the threaded glue:
 * tfjs hands its pthread workers `factory.toString()`, and minifying renames
 * variables that stringified copy still needs. backend.ts loads that chunk on
 * its own, only for more than one thread (wasm-threaded-glue.ts).
 */
function minifyWorkerButThreadedGlue(): Plugin {
  return {
    name: 'minify-worker-but-threaded-glue',
    renderChunk(code, chunk) {
      if (chunk.moduleIds.some((id) => THREADED_GLUE.test(id))) return null;
      const result = minifySync(chunk.fileName, code, { module: true, compress: true, mangle: true });
      if (result.errors.length > 0) this.error(`minifying ${chunk.fileName}: ${result.errors.map((e) => e.message).join('; ')}`);
      return { code: result.code, map: null };
    },
  };
}

export default defineConfig({
  // The HTML entries live in src/ because the project's top level is fixed.
  root: here('./src'),
  publicDir: here('./static'),
  base: './',
  plugins: [packMnist(), svelte({ configFile: here('./svelte.config.js') })],
  resolve: {
    alias: [
      // tfjs-backend-wasm's threaded glue and pthread script load only when more
      // than one thread is chosen (src/lib/training/wasm-threaded-glue.ts).
      { find: /^\.\.\/wasm-out\/tfjs-backend-wasm-threaded-simd(\.worker)?\.js$/, replacement: here('./src/lib/training/wasm-threaded-glue.ts') },
    ],
  },
  worker: {
    format: 'es',
    // Minified by the plugin, which leaves the threaded glue as it is.
    plugins: () => [minifyWorkerButThreadedGlue()],
    rolldownOptions: { output: { minify: false } },
  },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        main: here('./src/index.html'),
        learn: here('./src/learn/index.html'),
      },
    },
  },
  server: { headers: isolation, port: 5173 },
  preview: { headers: isolation, port: 4173 },
  test: {
    root: here('.'),
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        // The custom WebGL programs run where they will run: in Chromium, on its WebGL (SwiftShader here).
        extends: true,
        test: {
          name: 'gpu',
          include: ['tests/gpu/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'] } }),
            instances: [{ browser: 'chromium' }],
            screenshotDirectory: 'test-results/gpu-screenshots',
          },
        },
      },
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    expect: { requireAssertions: true },
    pool: 'forks',
    // CI adds up the JSON report into its "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results/unit.json' },
  },
});
