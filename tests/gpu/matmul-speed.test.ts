/**
 * Micro-benchmark, not a test: each matrix product of the default model's
 * training step (784-512-256-2, batch 128, relu), our texelFetch program
 * against tfjs's MatMulPackedProgram, interleaved, medians. Runs only when
 * asked: VITE_MATMUL_BENCH=1 flock /tmp/bench.lock npx vitest run --project gpu tests/gpu/matmul-speed.test.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import { MatMulPackedProgram } from '@tensorflow/tfjs-backend-webgl/dist/mulmat_packed_gpu';
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl/dist/gpgpu_math';
import { beforeAll, describe, expect, it } from 'vitest';
import { PackedProductProgram } from '../../src/lib/model/webgl/matmul';
import { runProgram } from '../../src/lib/model/webgl/run';
import { activationBody, slopeBody } from '../../src/lib/model/webgl/glsl';
import { maxRelDiff, useWebGl } from './helpers';

beforeAll(useWebGl);

interface Case {
  name: string;
  a: [number, number];
  b: [number, number];
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
  slope?: boolean;
  relu?: boolean;
}

const B = 128;
const CASES: Case[] = [
  { name: 'fwd 784→512', a: [B, 784], b: [784, 512], bias: true, relu: true },
  { name: 'fwd 512→256', a: [B, 512], b: [512, 256], bias: true, relu: true },
  { name: 'fwd 256→4', a: [B, 256], b: [256, 4], bias: true },
  { name: 'fwd 2→256', a: [B, 2], b: [2, 256], bias: true, relu: true },
  { name: 'fwd 256→512', a: [B, 256], b: [256, 512], bias: true, relu: true },
  { name: 'fwd 512→784', a: [B, 512], b: [512, 784], bias: true },
  { name: 'dx 784→512', a: [B, 784], b: [512, 784], transposeB: true, slope: true },
  { name: 'dx 512→256', a: [B, 512], b: [256, 512], transposeB: true, slope: true },
  { name: 'dx 256→2', a: [B, 256], b: [2, 256], transposeB: true },
  { name: 'dx 4→256', a: [B, 4], b: [256, 4], transposeB: true, slope: true },
  { name: 'dx 256→512', a: [B, 256], b: [512, 256], transposeB: true, slope: true },
  { name: 'dw 784×512', a: [B, 784], b: [B, 512], transposeA: true },
  { name: 'dw 512×256', a: [B, 512], b: [B, 256], transposeA: true },
  { name: 'dw 256×4', a: [B, 256], b: [B, 4], transposeA: true },
  { name: 'dw 2×256', a: [B, 2], b: [B, 256], transposeA: true },
  { name: 'dw 256×512', a: [B, 256], b: [B, 512], transposeA: true },
  { name: 'dw 512×784', a: [B, 512], b: [B, 784], transposeA: true },
];

const as3d = (s: number[]): [number, number, number] => [1, s[0], s[1]];

function programs(c: Case): Record<string, { program: GPGPUProgram; threeD: boolean }> {
  const rows = c.transposeA ? c.a[1] : c.a[0];
  const shared = c.transposeA ? c.a[0] : c.a[1];
  const cols = c.transposeB ? c.b[0] : c.b[1];
  const activation = c.slope ? slopeBody('relu') : c.relu ? (activationBody('relu') ?? undefined) : undefined;
  const shape = { rows, cols, shared, transposeA: !!c.transposeA, transposeB: !!c.transposeB };
  const extras = { bias: !!c.bias, activation, slope: !!c.slope };
  return {
    tfjs: { program: new MatMulPackedProgram(as3d(c.a), as3d(c.b), [1, rows, cols], !!c.transposeA, !!c.transposeB, !!c.bias, activation, !!c.slope, false), threeD: true },
    u4: { program: new PackedProductProgram(shape, extras, 4), threeD: false },
    u8: { program: new PackedProductProgram(shape, extras, 8), threeD: false },
    u16: { program: new PackedProductProgram(shape, extras, 16), threeD: false },
  };
}

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

describe.runIf(import.meta.env.VITE_MATMUL_BENCH)('matmul micro-benchmark', () => {
  it('times each product, ours against tfjs, interleaved', () => {
    const one = tf.tensor2d([[1]]);
    const tinyProgram = new PackedProductProgram({ rows: 1, cols: 1, shared: 1, transposeA: false, transposeB: false }, { bias: false, slope: false });
    // A one-element program on the GPU, read back: the GL queue runs in order, so this waits for every product before it.
    // (tfjs's own ops on tiny tensors would run on the CPU and wait for nothing.)
    const sync = () => {
      const t = runProgram(tinyProgram, [{ tensor: one }, { tensor: one }], [1, 1]);
      t.dataSync();
      t.dispose();
    };
    const report: string[] = [];
    const totals: Record<string, number> = {};
    for (const c of CASES) {
      const rows = c.transposeA ? c.a[1] : c.a[0];
      const cols = c.transposeB ? c.b[0] : c.b[1];
      const a = tf.randomUniform(c.a, -1, 1, 'float32', 1);
      const b = tf.randomUniform(c.b, -1, 1, 'float32', 2);
      const bias = tf.randomUniform([cols], -1, 1, 'float32', 3);
      const slopeOf = tf.randomUniform([rows, cols], -1, 1, 'float32', 4);
      const variants = programs(c);
      const run = (v: { program: GPGPUProgram; threeD: boolean }) => {
        const inputs = [
          { tensor: a, shape: v.threeD ? as3d(c.a) : c.a },
          { tensor: b, shape: v.threeD ? as3d(c.b) : c.b },
        ];
        if (c.bias) inputs.push({ tensor: bias, shape: [cols] } as never);
        if (c.slope) inputs.push({ tensor: slopeOf, shape: v.threeD ? as3d([rows, cols]) : [rows, cols] });
        return runProgram(v.program, inputs, [rows, cols]);
      };
      // Warm up (compiles) and check every variant agrees with tfjs's.
      const reference = run(variants.tfjs);
      const want = reference.dataSync();
      for (const [name, v] of Object.entries(variants)) {
        const out = run(v);
        const diff = maxRelDiff(out.dataSync(), want);
        out.dispose();
        expect(diff, `${c.name} ${name}`).toBeLessThanOrEqual(1e-6);
      }
      reference.dispose();
      // Products per timed batch: enough for ~50 ms.
      sync();
      const t0 = performance.now();
      run(variants.tfjs).dispose();
      sync();
      const once = Math.max(0.05, performance.now() - t0);
      const n = Math.max(2, Math.min(40, Math.round(40 / once)));
      const times: Record<string, number[]> = {};
      for (let rep = 0; rep < 7; rep++) {
        const order = Object.keys(variants);
        if (rep % 2) order.reverse();
        for (const name of order) {
          const start = performance.now();
          for (let i = 0; i < n; i++) run(variants[name]).dispose();
          sync();
          (times[name] ??= []).push((performance.now() - start) / n);
        }
      }
      const line = Object.entries(times).map(([name, ts]) => {
        const m = median(ts);
        totals[name] = (totals[name] ?? 0) + m;
        return `${name} ${m.toFixed(2)} [${Math.min(...ts).toFixed(2)}–${Math.max(...ts).toFixed(2)}]`;
      });
      report.push(`${c.name.padEnd(13)} n=${n}  ${line.join('  ')}  tfjs/u8 ${(median(times.tfjs) / median(times.u8)).toFixed(2)}`);
      tf.dispose([a, b, bias, slopeOf]);
    }
    report.push(`total ms/step: ${Object.entries(totals).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('  ')}`);
    console.log(report.join('\n'));
    one.dispose();
  }, 900_000);
});
