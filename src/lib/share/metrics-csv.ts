/**
 * The metric history as CSV: one file, two sections separated by a blank line
 * (training steps, then test evaluations), so one download holds everything.
 * Numbers are written in full precision; values are all numeric, so no quoting is needed.
 */
import type { EvalMetrics, StepMetrics } from '../training/protocol';

export const STEP_HEADER = 'step,recon,kl,beta,total';
export const EVAL_HEADER = 'epoch,step,test_recon,test_kl,test_neg_elbo';

export function metricsCsv(steps: readonly StepMetrics[], evals: readonly EvalMetrics[]): string {
  const lines = [STEP_HEADER];
  for (const s of steps) lines.push(`${s.step},${s.recon},${s.kl},${s.beta},${s.total}`);
  lines.push('', EVAL_HEADER);
  for (const e of evals) lines.push(`${e.epoch},${e.step},${e.recon},${e.kl},${e.negElbo}`);
  return `${lines.join('\n')}\n`;
}
