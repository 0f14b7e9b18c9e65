/** The bench reads --config with the app's codec and refuses what its stock baseline cannot reproduce. */
import { describe, expect, it } from 'vitest';
import { benchConfig, EVAL_CHUNK, VIEW_KEYS } from '../../tests/bench/app-shared';
import { SCHEMA } from '../../src/lib/config/schema';
import { EVAL_CHUNK as APP_EVAL_CHUNK } from '../../src/lib/training/trainer';

describe('benchConfig', () => {
  it('hands the baseline every training setting of the config, as the app reads it', () => {
    const read = benchConfig('?hidden=256&latent=4&act=elu&recon=mse&beta=2.5&warmup=300&opt=rmsprop&lr=0.003&batch=64&seed=7&data=shapes');
    expect(read).toEqual({
      ok: true,
      query: 'hidden=256&latent=4&act=elu&recon=mse&beta=2.5&warmup=300&opt=rmsprop&lr=0.003&batch=64&seed=7&data=shapes',
      config: expect.objectContaining({ hidden: [256], latent: 4 }),
      baseline: { data: 'shapes', hidden: [256], latent: 4, act: 'elu', recon: 'mse', beta: 2.5, warmup: 300, opt: 'rmsprop', lr: 0.003, batch: 64, seed: 7 },
    });
  });

  it('uses the app’s defaults and its Gaussian term for 2-D points', () => {
    const read = benchConfig('');
    expect(read.ok && read.baseline).toEqual({ data: 'mnist', hidden: [512, 256], latent: 2, act: 'relu', recon: 'bce', beta: 1, warmup: 0, opt: 'adam', lr: 0.001, batch: 128, seed: 42 });
    const points = benchConfig('data=moons');
    expect(points.ok && points.baseline.recon).toBe('gaussian');
  });

  it('refuses, naming the key, what the page would correct or the baseline cannot reproduce', () => {
    const reason = (q: string) => {
      const read = benchConfig(q);
      return read.ok ? null : read.reason;
    };
    expect(reason('data=custom')).toMatch(/"data=custom" is refused/);
    expect(reason('backend=wasm')).toMatch(/--backend/);
    expect(reason('embed=1')).toMatch(/"embed" is refused/);
    expect(reason('lr=7')).toMatch(/"lr".*out of range/);
    expect(reason('dropout=0.5')).toMatch(/"dropout" is not a setting/);
    expect(reason('data=moons&recon=mse')).toMatch(/"recon"/);
  });

  it('knows every setting of the app: each one reaches the baseline or only changes the view', () => {
    const read = benchConfig('');
    const baselineKeys = Object.keys(read.ok ? read.baseline : {});
    const unknown = SCHEMA.map((f) => f.key).filter((key) => !baselineKeys.includes(key) && !VIEW_KEYS.includes(key));
    expect(unknown).toEqual([]);
  });

  it('evaluates in the app’s chunk size', () => {
    expect(EVAL_CHUNK).toBe(APP_EVAL_CHUNK);
  });
});
