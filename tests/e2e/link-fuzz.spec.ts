/**
 * Every link renders: hundreds of generated hostile queries, each opened in the
 * real browser, must give a working page with no uncaught error — never a blank
 * page or a stuck "Loading". (The parsers' own property tests are in
 * tests/unit; this catches what runs before or around them, such as a library
 * that reads `location.search` when it loads.)
 */
import fc from 'fast-check';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { LAB_SHAPES, PLAYGROUND_SHAPES, queryFor } from './link-queries';

const SEED = 20_240_611;
const RUNS = 300;
const RENDER_TIMEOUT = 10_000;
/** A broken page costs a render timeout per link; past this many, stop and report. */
const MAX_FAILURES = 20;

interface PageKind {
  path: string;
  /** Resolves once the page shows what a working page shows. */
  rendered(page: Page): Promise<void>;
  named: string[];
  /** A key most generated links set first. */
  lead?: string;
}

const PLAYGROUND: PageKind = {
  path: './',
  async rendered(page) {
    // Play stays disabled while the digits load: it being there is enough, training is not waited for.
    await expect(page.getByTestId('play')).toBeVisible({ timeout: RENDER_TIMEOUT });
  },
  named: ['beta=50%', 'lr=%zz', '%E0%A4%A=1', 'tfjsflags=DEBUG:true', 'tfjsflags=%', 'hidden=1e308,1e308', 'beta=1e308', 'lr=-1e999', 'beta=1&beta=2&&beta=%'],
};

const LAB: PageKind = {
  path: './learn/',
  async rendered(page) {
    await expect(page.locator('#learn-panel h2')).toBeVisible({ timeout: RENDER_TIMEOUT });
    await expect(page.getByText('Loading the lab…')).toHaveCount(0);
  },
  lead: 'panel',
  named: ['panel=kl&p=%', 'panel=kl&p=1e308,1e308', 'panel=kl&q=1e308,1e308,1e308', 'panel=%zz', 'g1=1e308,1e308,1e308,1e308,1e308', 'tfjsflags=DEBUG:true', 'unit=%E0%A4%A'],
};

/** Long generated links cut to a readable length for the report. */
function short(text: string): string {
  return text.length > 160 ? `${text.slice(0, 160)}… (${text.length} chars)` : text;
}

/**
 * Opens each query on one reused page; returns the links that did not render and every uncaught
 * error, named by the address the browser showed when it was thrown (so one that fires after the
 * page rendered is still caught and attributed to the right link).
 */
async function openAll(page: Page, kind: PageKind, queries: string[]): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`${short(page.url())} — page error: ${short(error.message)}`));
  for (const query of queries) {
    if (problems.length >= MAX_FAILURES) {
      problems.push(`stopped after ${MAX_FAILURES} problems`);
      break;
    }
    const link = `${kind.path}?${query}`;
    try {
      await page.goto(link, { waitUntil: 'commit' });
      await kind.rendered(page);
    } catch (error) {
      problems.push(`${short(link)} — did not render: ${short((error as Error).message.split('\n')[0])}`);
    }
  }
  await page.goto('about:blank'); // the last link's late errors arrive before it unloads
  return problems;
}

for (const [name, kind, own, other] of [
  ['playground', PLAYGROUND, PLAYGROUND_SHAPES, LAB_SHAPES],
  ['lab', LAB, LAB_SHAPES, PLAYGROUND_SHAPES],
] as const) {
  test.describe(`every ${name} link renders`, () => {
    test('named hostile links', async ({ page }) => {
      expect(await openAll(page, kind, kind.named)).toEqual([]);
    });

    test(`${RUNS} generated links (seed ${SEED})`, async ({ page }) => {
      test.setTimeout(600_000);
      const queries = fc.sample(queryFor(own, other, kind.lead), { seed: SEED, numRuns: RUNS });
      const started = Date.now();
      const failures = await openAll(page, kind, queries);
      console.log(`${RUNS} ${name} links in ${((Date.now() - started) / 1000).toFixed(1)} s, ${failures.length} problems`);
      expect(failures).toEqual([]);
    });
  });
}
