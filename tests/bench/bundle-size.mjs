// JavaScript the browser needs before first paint: the entry scripts of
// dist/index.html and the chunks they statically import (modulepreload).
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

export function initialJsGzipKb(dist) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = new Set();
  for (const match of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) files.add(match[1]);
  for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) files.add(match[1]);
  let bytes = 0;
  for (const file of files) bytes += gzipSync(readFileSync(join(dist, file.replace(/^\.?\//, ''))), { level: 9 }).length;
  return Math.round((bytes / 1024) * 10) / 10;
}

/**
 * JavaScript and wasm among `urls` (what the browser fetched, page and workers),
 * each file of dist/ gzipped at level 9 once: the total and each file, largest first.
 */
export function fetchedJsGzip(dist, urls) {
  const paths = new Set();
  for (const url of urls) {
    const path = decodeURIComponent(new URL(url).pathname);
    if (/\.(m?js|wasm)$/.test(path)) paths.add(path.replace(/^\/+/, ''));
  }
  const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;
  const files = [];
  let total = 0;
  for (const path of paths) {
    const file = join(dist, path);
    if (!file.startsWith(dist) || !existsSync(file)) continue;
    const bytes = gzipSync(readFileSync(file), { level: 9 }).length;
    total += bytes;
    files.push({ file: path, gzip_kb: kb(bytes) });
  }
  files.sort((a, b) => b.gzip_kb - a.gzip_kb);
  return { kb: kb(total), files };
}
