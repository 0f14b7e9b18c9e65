import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RUNS_CSV_HEADER, csvField, runsCsv, type CsvRun } from '../../src/lib/runs/runs-csv';
import { runsJson, RUNS_JSON_FORMAT } from '../../src/lib/runs/runs-json';
import { nextRunName, overflow, type RunRecord, type RunSummary } from '../../src/lib/runs/library';
import { packHistory } from '../../src/lib/state/run-history';
import type { EvalMetrics, StepMetrics } from '../../src/lib/training/protocol';

/** RFC 4180 as a data-frame loader reads it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += ch;
  }
  expect(field === '' && row.length === 0, 'the file ends with a line break').toBe(true);
  return rows;
}

const steps = (n: number, beta = 1): StepMetrics[] =>
  Array.from({ length: n }, (_, i) => ({ step: i + 1, recon: 200 - i, kl: 3 + i / 10, beta, total: 200 - i + beta * (3 + i / 10) }));
const evals: EvalMetrics[] = [{ epoch: 0, step: 0, recon: 540, kl: 0.5, negElbo: 540.5 }];

function run(id: string, name: string, n: number, beta = 1): CsvRun {
  return { id, name, query: `hidden=32&beta=${beta}`, history: packHistory(steps(n, beta), evals) };
}

describe('runs CSV', () => {
  it('one row per run × step and per run × evaluation, every row as wide as the header', () => {
    const rows = parseCsv(runsCsv([run('a', 'Run 1', 3), run('b', 'β four', 2, 4)]));
    expect(rows[0].join(',')).toBe(RUNS_CSV_HEADER);
    const body = rows.slice(1);
    expect(body).toHaveLength(3 + 1 + 2 + 1);
    for (const r of body) expect(r).toHaveLength(rows[0].length);
    const [first] = body;
    expect(first).toEqual(['a', 'Run 1', 'hidden=32&beta=1', 'train', '', '1', '200', String(Math.fround(3)), '1', '203']);
    const test = body.find((r) => r[0] === 'b' && r[3] === 'test')!;
    expect(test.slice(4)).toEqual(['0', '0', '540', '0.5', '1', '540.5']);
    expect(body.filter((r) => r[0] === 'b' && r[3] === 'train').map((r) => r[8])).toEqual(['4', '4']);
  });

  it('names with commas, quotes and line breaks come back exactly', () => {
    fc.assert(fc.property(fc.string({ maxLength: 20 }), (name) => {
      const rows = parseCsv(runsCsv([run('x', name, 1)]));
      expect(rows[1][1]).toBe(name);
      expect(rows[1]).toHaveLength(10);
    }));
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });

  it('a non-finite value is an empty cell', () => {
    const history = packHistory([{ step: 1, recon: NaN, kl: Infinity, beta: 1, total: NaN }], []);
    const rows = parseCsv(runsCsv([{ id: 'n', name: 'n', query: '', history }]));
    expect(rows[1].slice(5)).toEqual(['1', '', '', '1', '']);
  });
});

describe('runs JSON', () => {
  it('keeps every field and the history as plain arrays', () => {
    const history = packHistory(steps(2), evals);
    const record: RunRecord = { id: 'a', name: 'Run 1', createdAt: 0, updatedAt: 1000, query: 'beta=2', steps: 2, test: evals[0], thumbnail: null, origin: 'sweep', pinned: true, history };
    const doc = JSON.parse(runsJson([record], new Date(5000)));
    expect(doc.format).toBe(RUNS_JSON_FORMAT);
    expect(doc.exportedAt).toBe(new Date(5000).toISOString());
    expect(doc.runs[0]).toMatchObject({ id: 'a', name: 'Run 1', query: 'beta=2', origin: 'sweep', pinned: true, steps: 2, test: evals[0], updatedAt: '1970-01-01T00:00:01.000Z' });
    expect(doc.runs[0].history.step).toEqual([1, 2]);
    expect(doc.runs[0].history.total).toEqual([203, 202.1]);
    expect(doc.runs[0].history.evals).toEqual(evals);
  });
});

describe('library rules', () => {
  const summary = (id: string, createdAt: number, pinned = false): RunSummary =>
    ({ id, name: id, createdAt, updatedAt: createdAt, query: '', steps: 1, test: null, thumbnail: null, origin: 'manual', pinned });

  it('names a new run one past the highest "Run n"', () => {
    expect(nextRunName([])).toBe('Run 1');
    expect(nextRunName(['Run 2', 'my run', 'Run 10', 'Run 3x'])).toBe('Run 11');
  });

  it('over the limit, the oldest unpinned runs go, never the one just kept', () => {
    const runs = [summary('new', 50), summary('old', 1, true), summary('mid', 10), summary('older', 5)];
    expect(overflow(runs, 4).map((r) => r.id)).toEqual([]);
    expect(overflow(runs, 3).map((r) => r.id)).toEqual(['older']);
    expect(overflow(runs, 2).map((r) => r.id)).toEqual(['older', 'mid']);
    expect(overflow(runs, 1, 'new').map((r) => r.id)).toEqual(['older', 'mid']);
  });
});
