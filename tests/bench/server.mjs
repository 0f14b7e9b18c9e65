// A tiny static server for the benchmark: the production build (dist/) plus the
// stock-tfjs baseline page (and the app modules it shares, bundled into
// `sharedDir` by shared-build.mjs), with the cross-origin isolation headers the app's
// threaded wasm backend needs (the same ones `vite preview` sends).
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { createRequire } from 'node:module';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
};

export function startServer({ root, sharedDir, port = 0 }) {
  const require = createRequire(join(root, 'package.json'));
  const tfjsBundle = require.resolve('@tensorflow/tfjs/dist/tf.min.js');
  const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js'));
  const dist = resolve(root, 'dist');
  const baselineDir = resolve(root, 'tests/bench/baseline');

  function fileFor(urlPath) {
    if (urlPath === '/bench/tf.min.js') return tfjsBundle;
    if (urlPath === '/bench/app-shared.js') return sharedDir ? join(sharedDir, 'app-shared.js') : null;
    // The stock wasm backend, for a baseline that isolates the app's own levers from the backend choice.
    if (urlPath === '/bench/tf-backend-wasm.min.js') return join(wasmDist, 'tf-backend-wasm.min.js');
    if (urlPath.startsWith('/bench/wasm/')) return join(wasmDist, normalize(urlPath.slice('/bench/wasm/'.length)));
    if (urlPath.startsWith('/bench/')) return join(baselineDir, normalize(urlPath.slice('/bench/'.length)));
    let file = join(dist, normalize(urlPath));
    if (!file.startsWith(dist)) return null;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    return file;
  }

  const server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = fileFor(urlPath);
    if (!file || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolveStart) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolveStart({ url: `http://127.0.0.1:${actual}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
