// Debian's headless Chromium through playwright-core, launched the same way for
// the bench and the soak (the flags the e2e config uses; BENCH_CHROMIUM_ARGS adds more).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

export function launchChromium(root) {
  const require = createRequire(resolve(root, 'package.json'));
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', ...(process.env.BENCH_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean)],
  });
}
