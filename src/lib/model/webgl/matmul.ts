/**
 * The training step's matrix product as our own packed program: the same 2×2
 * blocks and the same order of additions as tfjs's MatMulPackedProgram, but
 * with its loop over the shared dimension unrolled (8 steps per iteration) and
 * each read at a texel centre stepped from the last, where tfjs's sampler
 * works the normalized coordinate out from the indices on every read. On
 * SwiftShader (Chromium's WebGL on a CPU) the big products of the default
 * model run about 1.2× as fast (tests/gpu/matmul-speed.test.ts measures).
 * Reading with texelFetch instead, which needs no coordinates at all, was
 * measured slower there than either (1.4× tfjs's time).
 *
 * Stepping texel centres needs the plain packed layout: a [R, C] matrix as a
 * ⌈R/2⌉ × ⌈C/2⌉ texture whose texel (i, j) holds rows 2i, 2i+1 and columns
 * 2j, 2j+1. `plainLayout` says whether a tensor is (or will be) stored so.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl/dist/gpgpu_math';
import { getTextureShapeFromLogicalShape, isReshapeFree } from '@tensorflow/tfjs-backend-webgl/dist/webgl_util';
import { glslFloat, zeroPadding2D } from './glsl';

export interface ProductShape {
  /** Output rows and columns, and the shared dimension. */
  rows: number;
  cols: number;
  shared: number;
  transposeA: boolean;
  transposeB: boolean;
}

export interface ProductExtras {
  bias: boolean;
  /** Body of `vec4 activation(vec4 x)`, or of `vec4 activation(vec4 a)` with the slope operand `b` in scope. */
  activation?: string;
  /** Whether `activation` is a slope: then the program reads a rows × cols input named Slope. */
  slope: boolean;
  /** GLSL helpers the activation calls (tanh). */
  helpers?: string;
}

const even = (n: number) => n + (n % 2);

/**
 * Whether `tensor`, read as the 2-D `shape`, will reach a packed program as a
 * plain packed texture (so texelFetch at (column/2, row/2) finds its texels).
 * Tensors not yet packed are packed by tfjs with the plain layout unless the
 * shape is too large or too narrow for one (then tfjs squarifies it).
 */
export function plainLayout(tensor: tf.Tensor, shape: [number, number]): boolean {
  const planned = getTextureShapeFromLogicalShape(shape, true);
  if (planned[0] !== even(shape[0]) || planned[1] !== even(shape[1])) return false;
  const data = (tf.backend() as unknown as MathBackendWebGL).texData.get(tensor.dataId);
  // Already packed and read as is: its texture must have the plain shape.
  if (data.isPacked && data.texShape != null && isReshapeFree(data.shape, shape)) {
    return data.texShape[0] === planned[0] && data.texShape[1] === planned[1];
  }
  return true;
}

/**
 * Inputs: A, B (2-D, as stored: [rows, shared] or transposed), then Bias
 * (1-D, cols) if any, then Slope (rows × cols) if the activation is a slope.
 * `unroll` steps of the shared dimension run per loop iteration.
 */
export class PackedProductProgram implements GPGPUProgram {
  variableNames = ['A', 'B'];
  packedInputs = true;
  packedOutput = true;
  outputShape: number[];
  userCode: string;

  constructor(shape: ProductShape, extras: ProductExtras, unroll = 8) {
    const { rows, cols, shared, transposeA, transposeB } = shape;
    this.outputShape = [rows, cols];
    if (extras.bias) this.variableNames.push('Bias');
    if (extras.slope) this.variableNames.push('Slope');

    // Texture sizes in texels, [width, height]; step k of the shared dimension covers indices 2k and 2k + 1.
    const half = (n: number) => Math.ceil(n / 2);
    const [aW, aH] = transposeA ? [half(rows), half(shared)] : [half(shared), half(rows)];
    const [bW, bH] = transposeB ? [half(shared), half(cols)] : [half(cols), half(shared)];
    // Where step 0 reads (a texel centre, normalized) and how far one step moves: along a row of A, down a column of B.
    const aOrigin = transposeA ? `vec2((float(rc.x / 2) + 0.5) / ${aW}.0, ${glslFloat(0.5 / aH)})` : `vec2(${glslFloat(0.5 / aW)}, (float(rc.x / 2) + 0.5) / ${aH}.0)`;
    const aStep = transposeA ? `vec2(0.0, ${glslFloat(1 / aH)})` : `vec2(${glslFloat(1 / aW)}, 0.0)`;
    const bOrigin = transposeB ? `vec2(${glslFloat(0.5 / bW)}, (float(rc.y / 2) + 0.5) / ${bH}.0)` : `vec2((float(rc.y / 2) + 0.5) / ${bW}.0, ${glslFloat(0.5 / bH)})`;
    const bStep = transposeB ? `vec2(${glslFloat(1 / bW)}, 0.0)` : `vec2(0.0, ${glslFloat(1 / bH)})`;
    // The even shared index's products, then the odd one's (added separately, as tfjs does).
    const [aEven, aOdd] = transposeA ? ['a.xxyy', 'a.zzww'] : ['a.xxzz', 'a.yyww'];
    const [bEven, bOdd] = transposeB ? ['b.xzxz', 'b.ywyw'] : ['b.xyxy', 'b.zwzw'];

    const steps = Math.floor(shared / 2);
    const loops = Math.floor(steps / unroll);
    // Each read's coordinate is the block's base plus a constant offset (not a running sum: no drift over long rows).
    const step = (j: number, both: boolean) => `
          a = texture(A, pa + ${j}.0 * da); b = texture(B, pb + ${j}.0 * db);
          result += ${aEven} * ${bEven};
          ${both ? `result += ${aOdd} * ${bOdd};` : ''}`;
    const block = (from: string, count: number, lastHalf: boolean) => `
          pa = a0 + ${from} * da; pb = b0 + ${from} * db;
          ${Array.from({ length: count }, (_, j) => step(j, !(lastHalf && j === count - 1))).join('')}`;
    const rest = steps - loops * unroll;
    // An odd shared size ends with half a step: the texel's second index is padding.
    const tail = rest + (shared % 2);

    const activation = extras.activation
      ? extras.slope
        ? `vec4 activation(vec4 a) { vec4 b = getSlopeAtOutCoords(); ${extras.activation} }`
        : `vec4 activation(vec4 x) { ${extras.activation} }`
      : '';
    this.userCode = `
      ${extras.helpers ?? ''}
      ${activation}
      void main() {
        ivec2 rc = getOutputCoords();
        const vec2 da = ${aStep};
        const vec2 db = ${bStep};
        vec2 a0 = ${aOrigin};
        vec2 b0 = ${bOrigin};
        vec2 pa;
        vec2 pb;
        vec4 a;
        vec4 b;
        vec4 result = vec4(0.0);
        for (int i = 0; i < ${loops}; i++) {
          ${block(`float(i * ${unroll})`, unroll, false)}
        }
        ${tail > 0 ? block(glslFloat(loops * unroll), tail, shared % 2 === 1) : ''}
        ${extras.bias ? 'result += getBiasAtOutCoords();' : ''}
        ${extras.activation ? 'result = activation(result);' : ''}
        ${zeroPadding2D(rows, cols)}
        setOutput(result);
      }`;
  }
}
