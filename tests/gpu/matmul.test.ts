import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import { beforeAll, describe, expect, it } from 'vitest';
import { product } from '../../src/lib/model/webgl/kernels';
import { plainLayout } from '../../src/lib/model/webgl/matmul';
import type { LayerActivation } from '../../src/lib/model/architecture';
import { maxRelDiff, useWebGl } from './helpers';
import { activateByStockOps } from '../shared/activate';
import { activationSlope } from '../../src/lib/model/dense';

beforeAll(useWebGl);

const ACTS: LayerActivation[] = ['linear', 'relu', 'leakyrelu', 'elu', 'sigmoid', 'tanh'];
const rand = (shape: [number, number], seed: number) => tf.randomUniform(shape, -2, 2, 'float32', seed) as tf.Tensor2D;

// Odd rows, columns and shared size: the packed 2×2 texels are half empty at every edge.
const ROWS = 7;
const SHARED = 37; // two unrolled loop iterations of 8 steps, then 2 steps and a half
const COLS = 5;

describe('our packed matrix product against tf.matMul (on WebGL)', () => {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`transposeA ${transposeA}, transposeB ${transposeB}: plain, with bias and each activation, and with each slope`, () => {
        const a = rand(transposeA ? [SHARED, ROWS] : [ROWS, SHARED], 1);
        const b = rand(transposeB ? [COLS, SHARED] : [SHARED, COLS], 2);
        const bias = tf.randomUniform([COLS], -1, 1, 'float32', 3) as tf.Tensor1D;
        expect(plainLayout(a, a.shape) && plainLayout(b, b.shape)).toBe(true);
        const check = (ours: () => tf.Tensor2D, reference: () => tf.Tensor, label: string) => {
          const got = tf.tidy(ours);
          const want = tf.tidy(reference);
          expect(got.shape, label).toEqual([ROWS, COLS]);
          expect(maxRelDiff(got.dataSync(), want.dataSync()), label).toBeLessThanOrEqual(1e-5);
          tf.dispose([got, want]);
        };
        const matMul = () => tf.matMul(a, b, transposeA, transposeB) as tf.Tensor2D;
        check(() => product(a, b, { transposeA, transposeB }), matMul, 'plain');
        for (const act of ACTS) {
          check(() => product(a, b, { transposeA, transposeB, bias, act }), () => activateByStockOps(tf.add(matMul(), bias), act), `bias + ${act}`);
          const output = tf.tidy(() => activateByStockOps(rand([ROWS, COLS], 4), act));
          check(() => product(a, b, { transposeA, transposeB, slopeOf: { output, act } }), () => tf.mul(matMul(), activationSlope(output, act)), `${act} slope`);
          output.dispose();
        }
        tf.dispose([a, b, bias]);
      });
    }
  }

  it('keeps the padding of its output at zero, so a product that sums over it adds nothing', () => {
    // sigmoid(0) = 0.5: unzeroed padding would show up in outᵀ·out, whose shared size (7 rows) is odd.
    const a = rand([ROWS, SHARED], 5);
    const b = rand([SHARED, COLS], 6);
    const bias = tf.zeros([COLS]) as tf.Tensor1D;
    const out = product(a, b, { bias, act: 'sigmoid' });
    const values = tf.tensor2d(out.dataSync(), [ROWS, COLS]);
    // tfjs's own packed product reads the padding texels as they are.
    const gram = tf.matMul(out, out, true, false);
    const want = tf.matMul(values, values, true, false);
    expect(maxRelDiff(gram.dataSync(), want.dataSync())).toBeLessThanOrEqual(1e-5);
    tf.dispose([a, b, bias, out, values, gram, want]);
  });

  it('falls back to tfjs’s product for an operand stored with a squarified layout, with the same result', () => {
    // A narrow texture limit makes tfjs store a long 2 × 40 operand squarified, not as 1 × 20 texels.
    const before = tf.env().getNumber('WEBGL_MAX_SIZE_FOR_NARROW_TEXTURE');
    tf.env().set('WEBGL_MAX_SIZE_FOR_NARROW_TEXTURE', 8);
    try {
      tf.tidy(() => {
        const a = rand([3, 2], 7);
        const b = rand([2, 40], 8);
        expect(plainLayout(b, b.shape)).toBe(false);
        const got = product(a, b, { bias: tf.ones([40]) as tf.Tensor1D, act: 'relu' });
        const want = tf.relu(tf.add(tf.matMul(a, b), 1));
        expect(maxRelDiff(got.dataSync(), want.dataSync())).toBeLessThanOrEqual(1e-5);
      });
    } finally {
      tf.env().set('WEBGL_MAX_SIZE_FOR_NARROW_TEXTURE', before);
    }
  });
});
