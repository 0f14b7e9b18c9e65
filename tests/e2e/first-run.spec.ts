/**
 * A fresh clone's very first `npm run dev` must train: the packed digit file
 * has to exist before the dev server lists `static/`, or the server answers
 * `/data/mnist.bin` with the page's HTML until its next start.
 *
 * Clones the committed HEAD of this checkout into a temp dir (so nothing
 * generated here leaks in), gives it node_modules as a hard-linked copy (a
 * symlink would make Vite write its dependency cache into this checkout's
 * node_modules), starts its dev server on a free port and trains a step.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, readNumber } from './fixtures';

const repoRoot = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A hard-linked copy of the checkout's node_modules, without Vite's own cache. */
function linkNodeModules(into: string): void {
  const source = join(repoRoot, 'node_modules');
  const entries = readdirSync(source).filter((name) => name !== '.vite');
  mkdirSync(join(into, 'node_modules'));
  execFileSync('cp', ['-al', ...entries.map((name) => join(source, name)), join(into, 'node_modules')]);
}

async function waitForServer(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the dev server exited (${server.exitCode}):\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the dev server did not answer within 60 s:\n${log()}`);
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // npm starts vite as a child: signal the whole group this test started.
  process.kill(-server.pid, 'SIGTERM');
  return exited;
}

test('a fresh clone trains on its first `npm run dev`', async ({ page, consoleErrors }) => {
  test.setTimeout(150_000);
  const dir = mkdtempSync(join(tmpdir(), 'vae-first-run-'));
  let server: ChildProcess | undefined;
  let output = '';
  try {
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, dir]);
    expect(existsSync(join(dir, 'static/data/mnist.bin')), 'a fresh clone has no packed data yet').toBe(false);
    linkNodeModules(dir);

    const port = await freePort();
    server = spawn('npm', ['run', 'dev', '--', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
      cwd: dir,
      detached: true,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    const origin = `http://127.0.0.1:${port}`;
    await waitForServer(`${origin}/`, server, () => output);

    await page.goto(`${origin}/`);
    const play = page.getByTestId('play');
    const error = page.getByTestId('error');
    // Either the model gets ready or the page says why not; fail at once on the latter.
    await expect(play.and(page.locator(':enabled')).or(error)).toBeVisible({ timeout: 90_000 });
    expect(await error.allTextContents(), 'the page reports an error instead of loading the digits').toEqual([]);

    await play.click();
    await expect.poll(() => readNumber(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect(page.getByTestId('loss-total')).toHaveText(/^\d+\.\d+$/);
    expect(consoleErrors).toEqual([]);
  } finally {
    if (server) await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
});
