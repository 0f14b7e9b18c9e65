/**
 * What the benchmark takes from the app itself, so the stock baseline cannot
 * drift from it: the link codec (--config is read exactly as the page reads
 * its URL), the data sets and their split, and the numerical choices of the
 * model (initialisation, log σ² clamp, loss constants). All tfjs-free;
 * shared-build.mjs bundles this file for Node (ESM) and for the baseline page
 * (a global `AppShared`).
 */
import { parseConfig } from '../../src/lib/config/url';
import type { PlaygroundConfig } from '../../src/lib/config/types';
import { reconTermOf } from '../../src/lib/model/recon-term';

export { mnistFromPacked, syntheticShapes, pointSet } from '../../src/lib/training/dataset';
export { isPointSet, featuresOf } from '../../src/lib/data/points2d';
export { POINT_SIGMA } from '../../src/lib/model/recon-term';
export { layerPlan, LOG_VAR_RANGE } from '../../src/lib/model/architecture';
export { LEAKY_ALPHA } from '../../src/lib/model/activation-constants';
export { INIT, LOG_VAR_CLAMP, ADAM_EPSILON } from '../../src/lib/model/training-choices';
export { mixSeed, seededPermutation } from '../../src/lib/data/rng';

/** Test images per evaluation chunk: trainer.ts's EVAL_CHUNK (a unit test keeps them equal). */
export const EVAL_CHUNK = 500;

/** Everything the stock baseline needs to train the model a config describes. */
export interface BaselineSettings {
  data: PlaygroundConfig['data'];
  hidden: number[];
  latent: number;
  act: PlaygroundConfig['act'];
  /** The term the app trains with: the `recon` setting for images, 'gaussian' for 2-D points. */
  recon: 'bce' | 'mse' | 'gaussian';
  beta: number;
  warmup: number;
  opt: PlaygroundConfig['opt'];
  lr: number;
  batch: number;
  seed: number;
}

/** Settings that change only what the page shows or where it runs, never the model trained (the bench sets the backend itself). */
export const VIEW_KEYS: readonly string[] = ['backend', 'padx', 'pady', 'probe', 'embed'];

export type BenchConfig =
  | { ok: true; config: PlaygroundConfig; baseline: BaselineSettings; query: string }
  | { ok: false; reason: string };

/**
 * Reads the bench's --config with the app's own codec. Refuses, naming the key,
 * anything the page would correct or the stock baseline cannot reproduce, so
 * the two sides always train the same model on the same data.
 */
export function benchConfig(raw: string): BenchConfig {
  const query = raw.replace(/^\?/, '');
  const keys = new Set([...new URLSearchParams(query).keys()]);
  if (keys.has('backend')) return { ok: false, reason: '--config: give the backend with --backend (and the baseline\'s with --baseline-backend), not as "backend" in the config' };
  const { config, messages } = parseConfig(query);
  if (messages.length > 0) return { ok: false, reason: `--config: ${messages.map((m) => m.text).join(' ')}` };
  if (config.data === 'custom') {
    return { ok: false, reason: '--config: "data=custom" is refused: uploaded images live only in the tab that read them, so the baseline cannot train on the same data' };
  }
  if (config.embed !== 0) return { ok: false, reason: '--config: "embed" is refused: the bench drives the full playground page, not the compact embed view' };
  const baseline: BaselineSettings = {
    data: config.data,
    hidden: [...config.hidden],
    latent: config.latent,
    act: config.act,
    recon: reconTermOf(config),
    beta: config.beta,
    warmup: config.warmup,
    opt: config.opt,
    lr: config.lr,
    batch: config.batch,
    seed: config.seed,
  };
  return { ok: true, config, baseline, query };
}
