/**
 * The fused training step's WebGL programs (tfjs's GPGPUProgram: GLSL run by
 * the webgl backend's own runWebGLProgram). Every input and output is packed,
 * like the matrix products around them, so no pack/unpack programs run in
 * between; the two loss-statistics programs end unpacked, for the read-back.
 * Shapes are baked into the source: the step's shapes never change.
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl/dist/gpgpu_math';
import type { ReconTerm } from '../recon-term';
import { POINT_SIGMA } from '../recon-term';
import { HALF_LOG_TWO_PI_VAR } from '../losses';
import { elementGetter, glslFloat, LOG_VAR_CLAMP_GLSL, TANH, zeroPadding2D } from './glsl';

type Uniform = NonNullable<GPGPUProgram['customUniforms']>[number];

/** Packed in, packed out unless a program says otherwise. */
abstract class Program implements GPGPUProgram {
  abstract variableNames: string[];
  abstract outputShape: number[];
  abstract userCode: string;
  packedInputs = true;
  packedOutput = true;
}

/** Rows order[start + i] of the training data, i < rows: the batch, gathered on the GPU. */
export class BatchRowsProgram extends Program {
  variableNames = ['Data', 'Order'];
  outputShape: number[];
  userCode: string;
  customUniforms: Uniform[] = [{ name: 'start', type: 'int' }];
  constructor(rows: number, cols: number) {
    super();
    this.outputShape = [rows, cols];
    this.userCode = `
      float orderAt(int i) { vec4 t = getOrder(i); return i - 2 * (i / 2) == 1 ? t.y : t.x; }
      vec2 rowPair(int source, int c) { vec4 t = getData(source, c); return source - 2 * (source / 2) == 1 ? t.zw : t.xy; }
      void main() {
        ivec2 rc = getOutputCoords();
        vec2 top = rowPair(int(orderAt(start + rc.x) + 0.5), rc.y);
        vec2 bottom = rc.x + 1 < ${rows} ? rowPair(int(orderAt(start + rc.x + 1) + 0.5), rc.y) : vec2(0.0);
        vec4 result = vec4(top, bottom);
        ${zeroPadding2D(rows, cols)}
        setOutput(result);
      }`;
  }
}

/** A packed rows × cols output computed element by element by `float valueAt(int r, int c)`. */
function perElement(rows: number, cols: number, helpers: string): string {
  return `
    ${helpers}
    float valueOrZero(int r, int c) { return r < ${rows} && c < ${cols} ? valueAt(r, c) : 0.0; }
    void main() {
      ivec2 rc = getOutputCoords();
      setOutput(vec4(valueOrZero(rc.x, rc.y), valueOrZero(rc.x, rc.y + 1), valueOrZero(rc.x + 1, rc.y), valueOrZero(rc.x + 1, rc.y + 1)));
    }`;
}

/** z = μ + exp(½·clamp(raw))·ε from the encoder's output [μ | raw log σ²]. */
export class SampleLatentProgram extends Program {
  variableNames = ['Enc', 'Eps'];
  outputShape: number[];
  userCode: string;
  constructor(rows: number, latent: number) {
    super();
    this.outputShape = [rows, latent];
    this.userCode = perElement(rows, latent, `
      ${TANH}
      ${LOG_VAR_CLAMP_GLSL}
      ${elementGetter('Enc')}
      ${elementGetter('Eps')}
      float valueAt(int r, int c) {
        return encAt(r, c) + exp(0.5 * clampLogVar(encAt(r, ${latent} + c))) * epsAt(r, c);
      }`);
  }
}

/**
 * ∂loss/∂[μ | raw log σ²] from ∂loss/∂z: the sample's path plus β/rows times
 * the KL's (KL = ½Σ(μ² + e^v − v − 1), v = clamp(raw)). Uniform: klScale = β/rows.
 */
export class LatentGradProgram extends Program {
  variableNames = ['Dz', 'Enc', 'Eps'];
  outputShape: number[];
  userCode: string;
  customUniforms: Uniform[] = [{ name: 'klScale', type: 'float' }];
  constructor(rows: number, latent: number) {
    super();
    this.outputShape = [rows, 2 * latent];
    this.userCode = perElement(rows, 2 * latent, `
      ${TANH}
      ${LOG_VAR_CLAMP_GLSL}
      ${elementGetter('Dz')}
      ${elementGetter('Enc')}
      ${elementGetter('Eps')}
      float valueAt(int r, int c) {
        if (c < ${latent}) return dzAt(r, c) + klScale * encAt(r, c);
        int k = c - ${latent};
        float raw = encAt(r, c);
        float logVar = clampLogVar(raw);
        float dLogVar = 0.5 * dzAt(r, k) * epsAt(r, k) * exp(0.5 * logVar) + 0.5 * klScale * (exp(logVar) - 1.0);
        return dLogVar * clampLogVarSlope(raw);
      }`);
  }
}

/** ∂loss/∂logits of the batch-mean reconstruction term, element by element. */
export class ReconGradProgram extends Program {
  variableNames = ['X', 'Logits'];
  outputShape: number[];
  userCode: string;
  constructor(rows: number, cols: number, term: ReconTerm) {
    super();
    this.outputShape = [rows, cols];
    const perRow = glslFloat(1 / rows);
    const grad =
      term === 'gaussian'
        ? `(l - x) * ${glslFloat(1 / (POINT_SIGMA * POINT_SIGMA * rows))}`
        : term === 'bce'
          ? `(1.0 / (1.0 + exp(-l)) - x) * ${perRow}`
          : `2.0 * ${perRow} * (s - x) * s * (1.0 - s)`;
    this.userCode = `
      void main() {
        ivec2 rc = getOutputCoords();
        vec4 l = getLogitsAtOutCoords();
        vec4 x = getXAtOutCoords();
        vec4 s = 1.0 / (1.0 + exp(-l));
        vec4 result = ${grad};
        ${zeroPadding2D(rows, cols)}
        setOutput(result);
      }`;
  }
}

/** Per row: [reconstruction term, KL] in nats (unpacked output, rows × 2). */
export class RowTermsProgram extends Program {
  variableNames = ['X', 'Logits', 'Enc'];
  outputShape: number[];
  userCode: string;
  override packedOutput = false;
  constructor(rows: number, cols: number, latent: number, term: ReconTerm) {
    super();
    this.outputShape = [rows, 2];
    const perValue =
      term === 'gaussian'
        ? `(l - x) * (l - x) * ${glslFloat(1 / (2 * POINT_SIGMA * POINT_SIGMA))} + ${glslFloat(HALF_LOG_TWO_PI_VAR)}`
        : term === 'bce'
          ? 'max(l, 0.0) - l * x + log(1.0 + exp(-abs(l)))'
          : '(1.0 / (1.0 + exp(-l)) - x) * (1.0 / (1.0 + exp(-l)) - x)';
    this.userCode = `
      ${TANH}
      ${LOG_VAR_CLAMP_GLSL}
      ${elementGetter('Enc')}
      float termOf(float l, float x) { return ${perValue}; }
      void main() {
        ivec2 rc = getOutputCoords();
        int r = rc.x;
        bool oddRow = r - 2 * (r / 2) == 1;
        float total = 0.0;
        if (rc.y == 0) {
          for (int c = 0; c < ${cols}; c += 2) {
            vec4 l4 = getLogits(r, c);
            vec4 x4 = getX(r, c);
            vec2 l = oddRow ? l4.zw : l4.xy;
            vec2 x = oddRow ? x4.zw : x4.xy;
            total += termOf(l.x, x.x);
            if (c + 1 < ${cols}) total += termOf(l.y, x.y);
          }
        } else {
          for (int c = 0; c < ${latent}; c++) {
            float mu = encAt(r, c);
            float logVar = clampLogVar(encAt(r, ${latent} + c));
            total += 0.5 * (mu * mu + exp(logVar) - logVar - 1.0);
          }
        }
        setOutput(total);
      }`;
  }
}

/** [mean reconstruction term, mean KL, β] from the rows × 2 per-row terms (unpacked in and out). */
export class BatchMeansProgram extends Program {
  variableNames = ['Rows'];
  outputShape = [3];
  userCode: string;
  override packedInputs = false;
  override packedOutput = false;
  customUniforms: Uniform[] = [{ name: 'beta', type: 'float' }];
  constructor(rows: number) {
    super();
    this.userCode = `
      void main() {
        int i = getOutputCoords();
        if (i == 2) {
          setOutput(beta);
        } else {
          float total = 0.0;
          for (int r = 0; r < ${rows}; r++) total += getRows(r, i);
          setOutput(total / ${glslFloat(rows)});
        }
      }`;
  }
}

/** Σ over rows of a packed rows × cols matrix: a bias gradient (packed 1-D output). */
export class ColumnSumProgram extends Program {
  variableNames = ['D'];
  outputShape: number[];
  userCode: string;
  constructor(rows: number, cols: number) {
    super();
    this.outputShape = [cols];
    this.userCode = `
      void main() {
        int c = getOutputCoords();
        vec2 total = vec2(0.0);
        for (int r = 0; r < ${rows}; r += 2) {
          vec4 t = getD(r, c);
          total += t.xy;
          if (r + 1 < ${rows}) total += t.zw;
        }
        setOutput(vec4(total.x, c + 1 < ${cols} ? total.y : 0.0, 0.0, 0.0));
      }`;
  }
}

/**
 * One of Adam's three per-variable updates: the first moment, the second
 * moment, or the weights (which recomputes both moments from the old ones
 * rather than reading the new). Every input has the output's own texture
 * shape (the caller checks), so each fragment reads its own texel at
 * resultUV: no index arithmetic per fragment, and one program per part
 * serves every variable. Padding stays zero: zero in, zero out.
 * Uniforms: lr and the bias corrections 1 − β₁ᵗ⁺¹ and 1 − β₂ᵗ⁺¹.
 */
export class AdamProgram extends Program {
  variableNames = ['G', 'M', 'V', 'W'];
  outputShape: number[];
  userCode: string;
  // Shapes as uniforms: the shader source is the same for every variable, so it compiles once per part and rank.
  enableShapeUniforms = true;
  customUniforms: Uniform[] = [
    { name: 'lr', type: 'float' },
    { name: 'correction1', type: 'float' },
    { name: 'correction2', type: 'float' },
  ];
  constructor(shape: number[], part: 'm' | 'v' | 'w', beta1: number, beta2: number, epsilon: number) {
    super();
    this.outputShape = shape;
    const b1 = glslFloat(beta1);
    const b2 = glslFloat(beta2);
    const value = {
      m: 'm1',
      v: 'v1',
      w: `texture(W, resultUV) - lr * (m1 / correction1) / (sqrt(v1 / correction2) + ${glslFloat(epsilon)})`,
    }[part];
    this.userCode = `
      void main() {
        vec4 g = texture(G, resultUV);
        vec4 m1 = ${b1} * texture(M, resultUV) + ${glslFloat(1 - beta1)} * g;
        vec4 v1 = ${b2} * texture(V, resultUV) + ${glslFloat(1 - beta2)} * g * g;
        setOutput(${value});
      }`;
  }
}
