import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, readNumber } from './fixtures';

/** The policy the built page declares in its <meta> tag. */
const POLICY = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(readFileSync('dist/index.html', 'utf8'))?.[1] ?? '';

/**
 * A <meta> policy binds the page only; a worker takes its policy from its own
 * response. Serving the same policy as a header on every response holds the
 * training worker (and the wasm threads it spawns from blobs) to it too, as a
 * host that sends the header would.
 */
async function serveWithPolicy(context: BrowserContext, policy: string, edit?: (html: string) => string): Promise<void> {
  await context.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers(), 'content-security-policy': policy };
    const isPage = (response.headers()['content-type'] ?? '').includes('text/html');
    if (edit && isPage) return route.fulfill({ response, headers, body: edit(await response.text()) });
    return route.fulfill({ response, headers });
  });
}

/** Collects every policy violation the page or its workers report, by event and on the console. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  const fromConsole = (text: string) => {
    if (/content security policy/i.test(text)) violations.push(`console: ${text}`);
  };
  await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportCspViolation(t: string): void }).reportCspViolation(`page: ${e.effectiveDirective} blocked ${e.blockedURI}`);
    });
  });
  page.on('console', (msg) => fromConsole(msg.text()));
  page.on('worker', (worker) => {
    worker.on('console', (msg) => fromConsole(msg.text()));
    // The worker's own event, kept in the worker until the test reads it.
    void worker
      .evaluate(() => {
        const scope = self as unknown as { cspViolations: string[] } & WorkerGlobalScope;
        scope.cspViolations = [];
        scope.addEventListener('securitypolicyviolation', (event) => {
          const e = event as SecurityPolicyViolationEvent;
          scope.cspViolations.push(`worker: ${e.effectiveDirective} blocked ${e.blockedURI}`);
        });
      })
      .catch(() => {}); // a short-lived worker may end before the listener lands
  });
  return violations;
}

/** Violations the workers recorded themselves. */
async function workerViolations(page: Page): Promise<string[]> {
  const read = () => (self as unknown as { cspViolations?: string[] }).cspViolations ?? [];
  const lists = await Promise.all(page.workers().map((w) => w.evaluate(read).catch(() => [])));
  return lists.flat();
}

test('the page declares a strict policy', () => {
  // blob: lets the wasm backend's threads load the code the app hands them; nothing else is allowed.
  expect(POLICY).toContain("script-src 'self' 'wasm-unsafe-eval' blob:;");
  expect(POLICY).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
});

for (const backend of ['wasm', 'webgl', 'cpu'] as const) {
  test(`trains on ${backend} under the strict policy with no violation in the page or the worker`, async ({ page, context, consoleErrors }) => {
    await serveWithPolicy(context, POLICY);
    const violations = await watchViolations(page);
    await page.goto(`./?backend=${backend}&hidden=64,32&batch=64`);
    const play = page.getByTestId('play');
    await expect(play).toBeEnabled({ timeout: 90_000 });
    await play.click();
    await expect.poll(() => readNumber(page, 'step'), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
    await play.click();
    violations.push(...(await workerViolations(page)));
    expect(violations).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await expect(page.getByTestId('backend')).toHaveText(backend); // no quiet fallback

    // And the policy really binds the worker: code from strings is refused there. (Run from a
    // timer: code evaluated by the test harness itself is exempt from the policy.)
    const worker = page.workers().find((w) => w.url().includes('training.worker'));
    expect(worker, 'the training worker').toBeDefined();
    const probe = () =>
      new Promise<string>((resolve) =>
        setTimeout(() => {
          try {
            resolve(new Function('return "ran"')() as string);
          } catch {
            resolve('refused');
          }
        }),
      );
    expect(await worker!.evaluate(probe)).toBe('refused');
  });
}

test('the watch does see a violation: an inline script is blocked and reported', async ({ page, context }) => {
  await serveWithPolicy(context, POLICY, (html) => html.replace('</body>', '<script>document.title = "inline ran"</script></body>'));
  const violations = await watchViolations(page);
  await page.goto('./?backend=cpu');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  await expect(page).toHaveTitle('VAE Playground');
  await expect.poll(() => violations.some((v) => /script-src/.test(v))).toBe(true);
});
