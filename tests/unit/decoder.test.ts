import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './setup-tf';
import { SnapshotDecoder } from '../../src/lib/decode/mlp';
import { Vae, type LayerSnapshot, type VaeArchitecture } from '../../src/lib/model/vae';
import type { Activation } from '../../src/lib/config/types';

beforeAll(async () => {
  await useCpuBackend();
});

const ACTS: Activation[] = ['relu', 'leakyrelu', 'elu', 'tanh', 'sigmoid'];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Deterministic latent points spread over [−3, 3]. */
function latentPoints(count: number, latent: number, seed: number): number[][] {
  const out: number[][] = [];
  let s = seed;
  for (let n = 0; n < count; n++) {
    const z: number[] = [];
    for (let d = 0; d < latent; d++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      z.push((s / 2147483648) * 6 - 3);
    }
    out.push(z);
  }
  return out;
}

/** Gives the decoder's biases non-zero values so the test exercises them too. */
function perturbBiases(vae: Vae, seed: number): void {
  vae.decoder.forEach((layer, i) => {
    tf.tidy(() => layer.bias.assign(tf.randomNormal(layer.bias.shape, 0, 0.3, 'float32', seed + i) as tf.Tensor1D));
  });
}

async function allWeights(vae: Vae): Promise<Float32Array[]> {
  return Promise.all(vae.variables.map(async (v) => (await v.data()) as Float32Array));
}

describe('SnapshotDecoder vs vae.decode', () => {
  const latents = [1, 2, 5];
  for (const act of ACTS) {
    it(`matches tfjs for '${act}' at latent sizes ${latents.join(', ')}`, async () => {
      for (const latent of latents) {
        const arch: VaeArchitecture = { inputSize: 784, hidden: [48, 24], latent, act };
        const vae = new Vae(arch, 7 + latent);
        perturbBiases(vae, 100 + latent);
        const snap = await vae.snapshot('decoder');
        expect(snap.map((l) => [l.inputs, l.outputs, l.act])).toEqual([
          [latent, 24, act],
          [24, 48, act],
          [48, 784, 'linear'],
        ]);
        const decoder = new SnapshotDecoder(snap);
        expect(decoder.latent).toBe(latent);
        expect(decoder.outputs).toBe(784);

        const zs = latentPoints(6, latent, 17 * latent);
        zs.push(new Array(latent).fill(0)); // exercises the xi === 0 skip
        const zt = tf.tensor2d(zs);
        const pixels = vae.decode(zt);
        const expected = await pixels.data();
        tf.dispose([zt, pixels]);

        const reused = new Float32Array(784);
        let spread = 0;
        zs.forEach((z, n) => {
          const ours = decoder.decode(z);
          const row = expected.subarray(n * 784, (n + 1) * 784);
          expect(maxAbsDiff(ours, row), `${act} latent ${latent} point ${n}`).toBeLessThan(1e-5);
          // Writing into a caller's buffer gives the same result and returns that buffer.
          const again = decoder.decode(Float64Array.from(z), reused);
          expect(again).toBe(reused);
          expect(maxAbsDiff(again, ours)).toBe(0);
          spread = Math.max(spread, maxAbsDiff(ours, expected.subarray(0, 784)));
          for (const v of ours) if (!(v >= 0 && v <= 1)) expect.fail(`pixel ${v} outside [0, 1]`);
        });
        // Different z really give different images (the comparison is not trivially passing).
        expect(spread).toBeGreaterThan(1e-3);
        vae.dispose();
      }
    });
  }

  it('tracks the tfjs decoder after the weights change (fresh snapshot)', async () => {
    const vae = new Vae({ inputSize: 784, hidden: [32], latent: 2, act: 'elu' }, 1);
    const before = new SnapshotDecoder(await vae.snapshot('decoder'));
    perturbBiases(vae, 5);
    const after = new SnapshotDecoder(await vae.snapshot('decoder'));
    const zt = tf.tensor2d([[0.4, -1.1]]);
    const out = vae.decode(zt);
    const expected = await out.data();
    tf.dispose([zt, out]);
    expect(maxAbsDiff(after.decode([0.4, -1.1]), expected)).toBeLessThan(1e-5);
    expect(maxAbsDiff(before.decode([0.4, -1.1]), expected)).toBeGreaterThan(1e-3);
    vae.dispose();
  });
});

describe('SnapshotDecoder validation', () => {
  it('rejects a wrong-length z', async () => {
    const vae = new Vae({ inputSize: 784, hidden: [16], latent: 3, act: 'relu' }, 2);
    const decoder = new SnapshotDecoder(await vae.snapshot('decoder'));
    expect(() => decoder.decode([0, 1])).toThrow(/3-D latent vector, got 2/);
    expect(() => decoder.decode([0, 1, 2, 3])).toThrow(/got 4/);
    expect(() => decoder.decode([])).toThrow(Error);
    expect(decoder.decode([0, 1, 2]).length).toBe(784);
    vae.dispose();
  });

  it('rejects an empty snapshot and layers that do not chain', async () => {
    expect(() => new SnapshotDecoder([])).toThrow(/no layers/);
    const vae = new Vae({ inputSize: 784, hidden: [16, 8], latent: 2, act: 'relu' }, 2);
    const snap = await vae.snapshot('decoder');
    // Drop the middle layer: 2→8 then 16→784 does not fit.
    expect(() => new SnapshotDecoder([snap[0], snap[2]])).toThrow(/layer 1 does not fit layer 0/);
    // Wrong order.
    expect(() => new SnapshotDecoder([snap[1], snap[0], snap[2]])).toThrow(Error);
    // The encoder is not a decoder that chains into pixels from the latent, but is self-consistent;
    // mixing encoder and decoder layers must fail.
    const enc = await vae.snapshot('encoder');
    expect(() => new SnapshotDecoder([...enc, ...snap])).toThrow(/does not fit/);
    vae.dispose();
  });
});

describe('Vae snapshot / restore', () => {
  const arch: VaeArchitecture = { inputSize: 784, hidden: [24, 12], latent: 3, act: 'tanh' };

  it('snapshot() lists encoder then decoder layers with copies of the weights', async () => {
    const vae = new Vae(arch, 4);
    const snap = await vae.snapshot();
    expect(snap.length).toBe(vae.encoder.length + vae.decoder.length);
    expect(snap.map((l) => `${l.inputs}x${l.outputs}`)).toEqual(['784x24', '24x12', '12x6', '3x12', '12x24', '24x784']);
    const enc = await vae.snapshot('encoder');
    const dec = await vae.snapshot('decoder');
    expect(enc.length + dec.length).toBe(snap.length);
    snap.forEach((l) => {
      expect(l.weights.length).toBe(l.inputs * l.outputs);
      expect(l.bias.length).toBe(l.outputs);
    });
    vae.dispose();
  });

  it('restore(snapshot()) round-trips into another model of the same architecture', async () => {
    const a = new Vae(arch, 4);
    perturbBiases(a, 9);
    const b = new Vae(arch, 5);
    const wa = await allWeights(a);
    const wbBefore = await allWeights(b);
    expect(wa.some((w, i) => maxAbsDiff(w, wbBefore[i]) > 0)).toBe(true);

    b.restore(await a.snapshot());
    const wb = await allWeights(b);
    wa.forEach((w, i) => expect(maxAbsDiff(w, wb[i])).toBe(0));
    // Same function: same decode and same encode.
    const z = tf.tensor2d([[0.5, -0.2, 1.0]]);
    const x = tf.randomUniform([2, 784], 0, 1, 'float32', 3) as tf.Tensor2D;
    const [da, db] = [a.decode(z), b.decode(z)];
    expect(maxAbsDiff(await da.data(), await db.data())).toBe(0);
    const ea = a.encode(x);
    const eb = b.encode(x);
    expect(maxAbsDiff(await ea.mu.data(), await eb.mu.data())).toBe(0);
    expect(maxAbsDiff(await ea.logVar.data(), await eb.logVar.data())).toBe(0);

    // Self-restore is a no-op, and restoring does not leak tensors.
    const count = tf.memory().numTensors;
    b.restore(await b.snapshot());
    expect(tf.memory().numTensors).toBe(count);
    const wb2 = await allWeights(b);
    wb.forEach((w, i) => expect(maxAbsDiff(w, wb2[i])).toBe(0));

    tf.dispose([z, x, da, db, ea.mu, ea.logVar, eb.mu, eb.logVar]);
    a.dispose();
    b.dispose();
  });

  it('the snapshot is a copy: writes into the model storage, in place or by assign, do not reach it', async () => {
    const vae = new Vae(arch, 4);
    const snap = await vae.snapshot('all');
    const before = snap.map((l) => [Float32Array.from(l.weights), Float32Array.from(l.bias)]);
    const layers = [...vae.encoder, ...vae.decoder];
    // In place: on the cpu backend dataSync() hands out the variable's own storage, so an aliasing
    // snapshot would see these writes. Check that they did reach the variable, or this proves nothing.
    layers.forEach((l) => {
      l.weights.dataSync().fill(7);
      l.bias.dataSync().fill(-7);
    });
    expect((await layers[0].weights.data())[0], 'the in-place write reached the variable').toBe(7);
    // By assign (what the optimizer does): storage is swapped, not written.
    tf.tidy(() => layers.forEach((l) => l.weights.assign(tf.zerosLike(l.weights))));
    snap.forEach((l, i) => {
      expect(maxAbsDiff(l.weights, before[i][0]), `layer ${i} weights`).toBe(0);
      expect(maxAbsDiff(l.bias, before[i][1]), `layer ${i} bias`).toBe(0);
    });
    vae.dispose();
  });

  async function expectRejectedUntouched(target: Vae, snap: LayerSnapshot[], message: RegExp): Promise<void> {
    const before = await allWeights(target);
    expect(() => target.restore(snap)).toThrow(message);
    const after = await allWeights(target);
    before.forEach((w, i) => expect(maxAbsDiff(w, after[i]), `variable ${i} changed`).toBe(0));
  }

  it('rejects a snapshot with a different number of layers and leaves the weights untouched', async () => {
    const target = new Vae(arch, 4);
    const other = new Vae({ ...arch, hidden: [24] }, 4);
    await expectRejectedUntouched(target, await other.snapshot(), /snapshot has 4 layers, model has 6/);
    other.dispose();
    target.dispose();
  });

  it('rejects a snapshot with different widths and leaves the weights untouched', async () => {
    const target = new Vae(arch, 4);
    // Same depth, different widths; the first layers match (784×24) so a partial write would show.
    const wider = new Vae({ ...arch, hidden: [24, 16] }, 8);
    await expectRejectedUntouched(target, await wider.snapshot(), /layer 1: snapshot is 24×16, model is 24×12/);
    const otherLatent = new Vae({ ...arch, latent: 2 }, 8);
    await expectRejectedUntouched(target, await otherLatent.snapshot(), /layer 2/);
    wider.dispose();
    otherLatent.dispose();
    target.dispose();
  });

  it('rejects a snapshot whose arrays do not match its stated shape and leaves the weights untouched', async () => {
    const target = new Vae(arch, 4);
    const source = new Vae(arch, 6);
    const snap = await source.snapshot();
    // Corrupt the LAST layer only: a non-atomic restore would already have written layers 0..4.
    const last = snap[snap.length - 1];
    snap[snap.length - 1] = { ...last, weights: last.weights.subarray(0, last.weights.length - 1) };
    await expectRejectedUntouched(target, snap, /./);
    source.dispose();
    target.dispose();
  });

  it('rejects a snapshot with the same shapes but a different activation', async () => {
    const target = new Vae(arch, 4);
    const relu = new Vae({ ...arch, act: 'relu' }, 6);
    await expectRejectedUntouched(target, await relu.snapshot(), /act|activation/i);
    relu.dispose();
    target.dispose();
  });
});
