/**
 * The metric history as one tidy CSV table that `pandas.read_csv` reads as is:
 * a header row, then one row per training step (`split` = train) followed by one
 * row per test evaluation (`split` = test). Columns:
 *   split  train | test
 *   epoch  epochs finished at a test evaluation; empty on train rows
 *   step   training steps taken
 *   recon  reconstruction loss per image (BCE in nats, or summed squared error)
 *   kl     KL divergence per image, nats
 *   beta   the KL weight: β in force for that step on train rows; 1 on test rows
 *   total  recon + beta·kl (on test rows with bce this is −ELBO)
 * Numbers are written in full precision; a non-finite value (a blown-up step)
 * is left empty, which pandas reads as NaN. No cell needs quoting.
 */
import type { EvalMetrics, StepMetrics } from '../training/protocol';

export const METRICS_HEADER = 'split,epoch,step,recon,kl,beta,total';

export function metricsCsv(steps: readonly StepMetrics[], evals: readonly EvalMetrics[]): string {
  const lines = [METRICS_HEADER];
  for (const s of steps) lines.push(row('train', null, s.step, s.recon, s.kl, s.beta, s.total));
  for (const e of evals) lines.push(row('test', e.epoch, e.step, e.recon, e.kl, 1, e.negElbo));
  return `${lines.join('\n')}\n`;
}

function row(split: 'train' | 'test', ...numbers: (number | null)[]): string {
  return [split, ...numbers.map((n) => (n !== null && Number.isFinite(n) ? String(n) : ''))].join(',');
}
