/**
 * The page's own JavaScript must not contain tfjs. tfjs-core reads
 * `location.search` when it loads and calls `decodeURIComponent` on it, which
 * throws on a stray `%` in a link and leaves a blank page. Only the training
 * worker may load tfjs (its `location` is the worker script's URL).
 *
 * Builds the app in memory with the project's own Vite config and inspects the
 * chunks of the page build; the worker's files are emitted into it as assets.
 */
import { describe, expect, it } from 'vitest';
import { build, type Rolldown } from 'vite';
import { fileURLToPath } from 'node:url';

const configFile = fileURLToPath(new URL('../../vite.config.ts', import.meta.url));

async function pageChunks(): Promise<{ chunks: Rolldown.OutputChunk[]; workerFiles: string[] }> {
  const result = await build({ configFile, logLevel: 'silent', build: { write: false } });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
  return {
    chunks: outputs.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk'),
    workerFiles: outputs.filter((o) => o.type === 'asset' && /training\.worker-.*\.js$/.test(o.fileName)).map((o) => o.fileName),
  };
}

describe('page bundle', () => {
  it('holds no tfjs module: only the training worker loads tfjs', async () => {
    const { chunks, workerFiles } = await pageChunks();
    // The build really ran and produced both the page entry and the worker.
    expect(chunks.some((c) => c.name === 'main')).toBe(true);
    expect(workerFiles).toHaveLength(1);
    const offenders = chunks.flatMap((c) =>
      c.moduleIds.filter((id) => id.includes('/node_modules/@tensorflow/')).map((id) => `${c.fileName} ← ${id.slice(id.indexOf('@tensorflow/'))}`),
    );
    expect(offenders).toEqual([]);
    // tfjs-core's URL flag parser, in case tfjs arrives under another path.
    expect(chunks.filter((c) => c.code.includes('tfjsflags')).map((c) => c.fileName)).toEqual([]);
  });
});
