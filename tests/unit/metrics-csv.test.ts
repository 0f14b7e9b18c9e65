import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { METRICS_HEADER, metricsCsv } from '../../src/lib/share/metrics-csv';
import type { EvalMetrics, StepMetrics } from '../../src/lib/training/protocol';

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Reads the CSV as strictly as a data-frame loader would: one header, every
 * row the same width, `split` train|test, every other cell a number or empty.
 */
function parseStrict(csv: string): Record<string, string>[] {
  expect(csv.endsWith('\n')).toBe(true);
  const lines = csv.slice(0, -1).split('\n');
  const header = lines[0].split(',');
  return lines.slice(1).map((line, i) => {
    expect(line, `row ${i + 1} is blank`).not.toBe('');
    expect(line.startsWith('#'), `row ${i + 1} is a comment`).toBe(false);
    const cells = line.split(',');
    expect(cells.length, `row ${i + 1}: ${line}`).toBe(header.length);
    const record = Object.fromEntries(header.map((name, k) => [name, cells[k]]));
    expect(['train', 'test']).toContain(record.split);
    for (const name of header.slice(1)) {
      const cell = record[name];
      if (cell !== '') expect(cell, `row ${i + 1}, ${name}`).toMatch(NUMBER);
    }
    return record;
  });
}

const steps: StepMetrics[] = [
  { step: 1, recon: 540.5, kl: 2.25, beta: 1, total: 542.75 },
  { step: 2, recon: 300, kl: 3, beta: 0.5, total: 301.5 },
];
const evals: EvalMetrics[] = [{ epoch: 1, step: 2, recon: 290, kl: 3.5, negElbo: 293.5 }];

describe('metrics CSV', () => {
  it('is one table: a header, then train rows, then test rows', () => {
    expect(metricsCsv(steps, evals)).toBe(
      'split,epoch,step,recon,kl,beta,total\n' +
        'train,,1,540.5,2.25,1,542.75\n' +
        'train,,2,300,3,0.5,301.5\n' +
        'test,1,2,290,3.5,1,293.5\n',
    );
  });

  it('an empty history is just the header', () => {
    expect(metricsCsv([], [])).toBe(`${METRICS_HEADER}\n`);
  });

  it('parses strictly for any history, non-finite values left empty', () => {
    const value = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 1e-7, 5e21));
    const step = fc.record({ step: fc.nat(), recon: value, kl: value, beta: value, total: value });
    const evaluation = fc.record({ epoch: fc.nat(), step: fc.nat(), recon: value, kl: value, negElbo: value });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 20 }), fc.array(evaluation, { maxLength: 5 }), (s, e) => {
        const rows = parseStrict(metricsCsv(s, e));
        expect(rows).toHaveLength(s.length + e.length);
        rows.forEach((row, i) => {
          const source = i < s.length ? s[i].total : e[i - s.length].negElbo;
          if (Number.isFinite(source)) expect(Number(row.total) === source, `${row.total} vs ${source}`).toBe(true); // -0 prints as 0
          else expect(row.total).toBe('');
        });
      }),
    );
  });
});
