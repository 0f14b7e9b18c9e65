import { describe, expect, it } from 'vitest';
import type { PlaygroundConfig } from '../../src/lib/config/types';
import { DEFAULT_CONFIG } from '../../src/lib/config/types';
import { layerPlan, type LayerSnapshot } from '../../src/lib/model/architecture';
import { PIXELS } from '../../src/lib/data/pack';
import { base64ToBytes, bytesToBase64, bytesToFloat32, float32ToBase64 } from '../../src/lib/share/base64';
import {
  MAX_MODEL_FILE_BYTES,
  checkModelFileSize,
  encodeModelFile,
  modelFileName,
  parseModelFile,
  type ModelFile,
} from '../../src/lib/share/model-file';

const SMALL: PlaygroundConfig = { ...DEFAULT_CONFIG, hidden: [16, 8], latent: 3, act: 'tanh', beta: 4, lr: 0.003, recon: 'mse' };

/** A model of the config's shape with deterministic, awkward values (negatives, tiny, large). */
function fakeModel(config: PlaygroundConfig, step = 17): ModelFile {
  const plan = layerPlan({ inputSize: PIXELS, hidden: config.hidden, latent: config.latent, act: config.act });
  let k = 0;
  const next = () => Math.fround(Math.sin(++k) * 10 ** ((k % 9) - 4));
  const layers: LayerSnapshot[] = [...plan.encoder, ...plan.decoder].map(([inputs, outputs, act]) => ({
    inputs,
    outputs,
    act,
    weights: Float32Array.from({ length: inputs * outputs }, next),
    bias: Float32Array.from({ length: outputs }, next),
  }));
  return { config: { ...config, hidden: [...config.hidden] }, step, layers };
}

function edit(text: string, change: (file: Record<string, any>) => void): string {
  const file = JSON.parse(text);
  change(file);
  return JSON.stringify(file);
}

function refusal(text: string): string {
  const result = parseModelFile(text);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.message;
}

describe('base64', () => {
  it('round-trips every length 0..40 and matches Node', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      const back = base64ToBytes(text);
      expect(back.ok && Array.from(back.bytes)).toEqual(Array.from(bytes));
    }
  });

  it('round-trips float32 exactly, including -0 and extremes', () => {
    const values = new Float32Array([0, -0, 1, -1, 3.4028234663852886e38, 1.401298464324817e-45, Math.PI]);
    const back = base64ToBytes(float32ToBase64(values));
    expect(back.ok).toBe(true);
    if (back.ok) expect(Array.from(bytesToFloat32(back.bytes)).map((v) => Object.is(v, -0) ? '-0' : v)).toEqual(Array.from(values).map((v) => Object.is(v, -0) ? '-0' : v));
  });

  it('rejects bad characters, bad length and padding in the middle', () => {
    expect(base64ToBytes('abc').ok).toBe(false);
    expect(base64ToBytes('ab$d').ok).toBe(false);
    expect(base64ToBytes('ab==abcd').ok).toBe(false);
    expect(base64ToBytes('aé==').ok).toBe(false);
  });
});

describe('model file', () => {
  it('round-trips config, step and every weight bit-exactly', () => {
    for (const config of [SMALL, { ...SMALL, hidden: [5], latent: 1, padx: 0, pady: 0 }, { ...SMALL, hidden: [7, 6, 5, 4], latent: 2, act: 'leakyrelu' as const }]) {
      const model = fakeModel(config);
      const result = parseModelFile(encodeModelFile(model));
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.model.config).toEqual(model.config);
      expect(result.model.step).toBe(17);
      expect(result.model.layers.length).toBe(model.layers.length);
      result.model.layers.forEach((layer, i) => {
        expect([layer.inputs, layer.outputs, layer.act]).toEqual([model.layers[i].inputs, model.layers[i].outputs, model.layers[i].act]);
        expect(Buffer.from(layer.weights.buffer).equals(Buffer.from(model.layers[i].weights.buffer))).toBe(true);
        expect(Array.from(layer.bias)).toEqual(Array.from(model.layers[i].bias));
      });
    }
  });

  it('names the file after the model', () => {
    expect(modelFileName(SMALL, 120)).toBe('vae-mnist-z3-16x8-step120.json');
  });

  const good = encodeModelFile(fakeModel(SMALL));

  it('refuses text that is not JSON, or JSON cut short', () => {
    expect(refusal('hello')).toMatch(/not valid JSON/);
    expect(refusal(good.slice(0, good.length / 2))).toMatch(/truncated/);
    expect(refusal('')).toMatch(/empty/);
  });

  it('refuses JSON that is not a model, or another version', () => {
    expect(refusal('[1,2]')).toMatch(/not a VAE Playground model/);
    expect(refusal('{"format":"something-else","version":1}')).toMatch(/"format" is "something-else"/);
    expect(refusal(edit(good, (f) => { f.version = 2; }))).toMatch(/version 2; this app reads version 1/);
    expect(refusal(edit(good, (f) => { f.step = -1; }))).toMatch(/"step"/);
  });

  it('refuses a config that fails the schema, naming the setting', () => {
    expect(refusal(edit(good, (f) => { delete f.config; }))).toMatch(/no "config"/);
    expect(refusal(edit(good, (f) => { delete f.config.beta; }))).toMatch(/missing the setting "beta"/);
    expect(refusal(edit(good, (f) => { f.config.beta = 'abc'; }))).toMatch(/"beta"/);
    expect(refusal(edit(good, (f) => { f.config.latent = 999; }))).toMatch(/"latent".*out of range/);
    expect(refusal(edit(good, (f) => { f.config.act = 'swish'; }))).toMatch(/"act"/);
    expect(refusal(edit(good, (f) => { f.config.hidden = [16, 2000]; }))).toMatch(/"hidden"/);
    expect(refusal(edit(good, (f) => { f.config.lr = 1.5; }))).toMatch(/"lr"/);
    expect(refusal(edit(good, (f) => { f.config.extra = 1; }))).toMatch(/unknown setting "extra"/);
    expect(refusal(good.replace('"config":{', '"config":{"__proto__":{"x":1},'))).toMatch(/unknown setting "__proto__"/);
    expect(refusal(edit(good, (f) => { f.config.padx = 1; f.config.pady = 1; }))).toMatch(/pady/);
  });

  it('refuses layers that do not match the config’s architecture', () => {
    expect(refusal(edit(good, (f) => { f.layers.pop(); }))).toMatch(/5 layers.*needs 6/);
    expect(refusal(edit(good, (f) => { f.config.hidden = [16, 9]; }))).toMatch(/Layer 2 is 16×8.*16×9/);
    expect(refusal(edit(good, (f) => { f.config.latent = 4; }))).toMatch(/Layer 3 is 8×6.*8×8/);
    expect(refusal(edit(good, (f) => { f.layers[0].act = 'relu'; }))).toMatch(/Layer 1 uses activation "relu".*tanh/);
  });

  it('refuses weights of the wrong length, bad base64 or non-finite values', () => {
    expect(refusal(edit(good, (f) => { f.layers[1].weights = f.layers[1].weights.slice(0, -8); }))).toMatch(/Layer 2's weights hold \d+ bytes, expected 512/);
    expect(refusal(edit(good, (f) => { f.layers[1].bias = '!!!!'; }))).toMatch(/Layer 2's bias are not valid base64/);
    expect(refusal(edit(good, (f) => { f.layers[1].bias = 42; }))).toMatch(/Layer 2's bias are missing/);
    const withNaN = float32ToBase64(new Float32Array([1, 2, NaN, 4, 5, 6, 7, 8]));
    expect(refusal(edit(good, (f) => { f.layers[1].bias = withNaN; }))).toMatch(/non-finite value \(NaN\) at position 2/);
    const withInf = float32ToBase64(new Float32Array(8).fill(Infinity));
    expect(refusal(edit(good, (f) => { f.layers[1].bias = withInf; }))).toMatch(/non-finite/);
  });

  it('refuses files over the size cap before parsing', () => {
    expect(checkModelFileSize(MAX_MODEL_FILE_BYTES + 1)).toMatch(/at most 64 MB/);
    expect(checkModelFileSize(1000)).toBeNull();
    expect(checkModelFileSize(0)).toMatch(/empty/);
  });

  it('never throws on mangled files', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 300; i++) {
      const chars = good.split('');
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) chars[Math.floor(rand() * chars.length)] = '{}[]",:0a='[Math.floor(rand() * 10)];
      const result = parseModelFile(chars.join(''));
      if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
    }
  });
});
