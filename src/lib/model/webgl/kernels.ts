/**
 * The training step's kernels as fused WebGL programs (see programs.ts):
 * about 65 programs a step for the default model, where tfjs's tape and
 * stock ops run over 400. Registered for the 'webgl' backend when its code
 * loads; everything here runs only on that backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MatMulPackedProgram } from '@tensorflow/tfjs-backend-webgl/dist/mulmat_packed_gpu';
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl/dist/gpgpu_math';
import type { StepKernels } from '../backprop';
import type { LayerActivation } from '../architecture';
import { registerStepKernels } from '../kernel-registry';
import { activationBody, slopeBody, TANH } from './glsl';
import { applyAdam } from './adam';
import { cached, runProgram } from './run';
import { PackedProductProgram, plainLayout } from './matmul';
import {
  BatchMeansProgram,
  BatchRowsProgram,
  ColumnSumProgram,
  LatentGradProgram,
  ReconGradProgram,
  RowTermsProgram,
  SampleLatentProgram,
} from './programs';

const as3d = (t: tf.Tensor2D): [number, number, number] => [1, t.shape[0], t.shape[1]];

/**
 * a·b (with optional transposes), optionally with a bias and an activation
 * fused in, or with the gradient's activation slope: then `slopeOf` is the
 * layer output the slope is read from. Our texelFetch program (matmul.ts)
 * when both operands have the plain packed layout, else tfjs's own.
 */
export function product(a: tf.Tensor2D, b: tf.Tensor2D, options: { transposeA?: boolean; transposeB?: boolean; bias?: tf.Tensor1D; act?: LayerActivation; slopeOf?: { output: tf.Tensor2D; act: LayerActivation } }): tf.Tensor2D {
  const { transposeA = false, transposeB = false, bias, act = 'linear', slopeOf } = options;
  const rows = transposeA ? a.shape[1] : a.shape[0];
  const cols = transposeB ? b.shape[0] : b.shape[1];
  const shared = transposeA ? a.shape[0] : a.shape[1];
  const slope = slopeOf && slopeOf.act !== 'linear' ? slopeOf : undefined;
  const activation = (slope ? slopeBody(slope.act) : activationBody(act)) ?? undefined;
  // tanh is not one of tfjs's fused activations; its snippet needs our helper.
  const helpers = act === 'tanh' && !slope ? TANH : undefined;
  const inputs: { tensor: tf.Tensor; shape?: number[] }[] = [];
  let program: GPGPUProgram;
  if (plainLayout(a, a.shape) && plainLayout(b, b.shape)) {
    const key = `product ${rows} ${cols} ${shared} ${transposeA} ${transposeB} ${!!bias} ${act} ${slope?.act}`;
    program = cached(key, () => new PackedProductProgram({ rows, cols, shared, transposeA, transposeB }, { bias: !!bias, activation, slope: !!slope, helpers }));
    inputs.push({ tensor: a }, { tensor: b });
    if (bias) inputs.push({ tensor: bias });
    if (slope) inputs.push({ tensor: slope.output });
  } else {
    const key = `matmul ${a.shape} ${b.shape} ${transposeA} ${transposeB} ${!!bias} ${act} ${slope?.act}`;
    program = cached(key, () => {
      const p = new MatMulPackedProgram(as3d(a), as3d(b), [1, rows, cols], transposeA, transposeB, !!bias, activation, !!slope, false);
      if (helpers) p.userCode = `${helpers}\n${p.userCode}`;
      return p;
    });
    inputs.push({ tensor: a, shape: as3d(a) }, { tensor: b, shape: as3d(b) });
    if (bias) inputs.push({ tensor: bias });
    if (slope) inputs.push({ tensor: slope.output, shape: as3d(slope.output) });
  }
  return runProgram<tf.Tensor2D>(program, inputs, [rows, cols]);
}

export const WEBGL_KERNELS: StepKernels = {
  batchRows(data, order, start, count) {
    const program = cached(`rows ${count} ${data.shape[1]}`, () => new BatchRowsProgram(count, data.shape[1]));
    return runProgram(program, [{ tensor: data }, { tensor: order }], [count, data.shape[1]], [[start]]);
  },

  dense: (x, layer) => product(x, layer.weights, { bias: layer.bias, act: layer.act }),

  sampleLatent(encoded, eps) {
    const [rows, latent] = eps.shape;
    return runProgram(cached(`sample ${rows} ${latent}`, () => new SampleLatentProgram(rows, latent)), [{ tensor: encoded }, { tensor: eps }], [rows, latent]);
  },

  rowTerms(term, x, logits, encoded) {
    const [rows, cols] = x.shape;
    const latent = encoded.shape[1] / 2;
    return runProgram(cached(`terms ${rows} ${cols} ${latent} ${term}`, () => new RowTermsProgram(rows, cols, latent, term)), [{ tensor: x }, { tensor: logits }, { tensor: encoded }], [rows, 2]);
  },

  lossStats(term, x, logits, encoded, beta) {
    const perRow = WEBGL_KERNELS.rowTerms(term, x, logits, encoded);
    return runProgram(cached(`means ${x.shape[0]}`, () => new BatchMeansProgram(x.shape[0])), [{ tensor: perRow }], [3], [[beta]]);
  },

  reconGrad(term, x, logits) {
    const [rows, cols] = x.shape;
    return runProgram(cached(`recon-grad ${rows} ${cols} ${term}`, () => new ReconGradProgram(rows, cols, term)), [{ tensor: x }, { tensor: logits }], [rows, cols]);
  },

  latentGrad(dz, encoded, eps, beta) {
    const [rows, latent] = eps.shape;
    const program = cached(`latent-grad ${rows} ${latent}`, () => new LatentGradProgram(rows, latent));
    return runProgram(program, [{ tensor: dz }, { tensor: encoded }, { tensor: eps }], [rows, 2 * latent], [[beta / rows]]);
  },

  weightGrads(input, dPre) {
    const [rows, cols] = dPre.shape;
    const db = runProgram<tf.Tensor1D>(cached(`column-sum ${rows} ${cols}`, () => new ColumnSumProgram(rows, cols)), [{ tensor: dPre }], [cols]);
    return { dw: product(input, dPre, { transposeA: true }), db };
  },

  inputGrad: (dPre, weights, input, inputAct) => product(dPre, weights, { transposeB: true, slopeOf: { output: input, act: inputAct } }),

  applyGradients: applyAdam,
};

registerStepKernels('webgl', WEBGL_KERNELS);
