/**
 * Kept runs as one tidy CSV table that `pandas.read_csv` reads as is: a header,
 * then one row per run × training step (`split` = train) and per run × test
 * evaluation (`split` = test). The run's columns repeat on each of its rows so
 * the table groups by run without a join:
 *   run     the run's id
 *   name    the name shown in the Runs list (quoted when it needs to be)
 *   query   the run's settings as a playground link query
 *   split, epoch, step, recon, kl, beta, total   as in the single-run metrics CSV
 * A non-finite value is left empty (NaN in pandas).
 */
import type { EvalMetrics } from '../training/protocol';
import type { PackedHistory } from '../state/run-history';

export const RUNS_CSV_HEADER = 'run,name,query,split,epoch,step,recon,kl,beta,total';

export interface CsvRun {
  id: string;
  name: string;
  query: string;
  history: PackedHistory;
}

/** A CSV field: quoted (with doubled quotes) when it holds a comma, quote or line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const num = (n: number | null): string => (n !== null && Number.isFinite(n) ? String(n) : '');

export function runsCsv(runs: readonly CsvRun[]): string {
  const lines = [RUNS_CSV_HEADER];
  for (const run of runs) {
    const head = [csvField(run.id), csvField(run.name), csvField(run.query)].join(',');
    const h = run.history;
    for (let i = 0; i < h.step.length; i++) {
      lines.push(`${head},train,,${h.step[i]},${num(h.recon[i])},${num(h.kl[i])},${num(h.beta[i])},${num(h.total[i])}`);
    }
    for (const e of h.evals as readonly EvalMetrics[]) {
      lines.push(`${head},test,${e.epoch},${e.step},${num(e.recon)},${num(e.kl)},1,${num(e.negElbo)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
