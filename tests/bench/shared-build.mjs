// Bundles tests/bench/app-shared.ts (the app's own tfjs-free modules) with Vite
// into a temporary folder: an ES module for Node and a classic script for the
// baseline page, served as /bench/app-shared.js.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function buildShared(root) {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'vae-bench-shared-'));
  await build({
    configFile: false,
    root,
    logLevel: 'error',
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: false,
      minify: false,
      target: 'es2022',
      lib: {
        entry: resolve(root, 'tests/bench/app-shared.ts'),
        name: 'AppShared',
        formats: ['es', 'iife'],
        fileName: (format) => (format === 'es' ? 'app-shared.mjs' : 'app-shared.js'),
      },
    },
  });
  const shared = await import(pathToFileURL(join(outDir, 'app-shared.mjs')).href);
  return { dir: outDir, shared, cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}
