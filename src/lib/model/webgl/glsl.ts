/**
 * GLSL snippets shared by the fused programs. Packed textures hold 2×2 blocks
 * of a matrix per texel: x = (r, c), y = (r, c+1), z = (r+1, c), w = (r+1, c+1)
 * with r, c even; a 1-D tensor uses x and y only.
 */
import type { LayerActivation } from '../architecture';
import { LEAKY_ALPHA } from '../activation-constants';
import { LOG_VAR_RANGE } from '../architecture';
import { LOG_VAR_CLAMP } from '../training-choices';

/** A float literal GLSL accepts (always with a point or an exponent). */
export function glslFloat(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} cannot be a GLSL constant`);
  return value.toExponential();
}

/** `float <name>At(int r, int c)`: one element of a packed 2-D input, whatever the parity of r and c. */
export function elementGetter(name: string): string {
  return `
    float ${name.toLowerCase()}At(int r, int c) {
      vec4 t = get${name}(r, c);
      bool oddRow = r - 2 * (r / 2) == 1;
      bool oddCol = c - 2 * (c / 2) == 1;
      return oddRow ? (oddCol ? t.w : t.z) : (oddCol ? t.y : t.x);
    }`;
}

/** tanh from one exp of a non-positive number: no overflow, and WebGL 1 has no tanh. */
export const TANH = `
  float stableTanh(float v) {
    float e = exp(-2.0 * abs(v));
    return sign(v) * (1.0 - e) / (1.0 + e);
  }
  vec4 stableTanh(vec4 v) {
    vec4 e = exp(-2.0 * abs(v));
    return sign(v) * (1.0 - e) / (1.0 + e);
  }`;

const [LO, HI] = LOG_VAR_RANGE;
const MID = glslFloat((HI + LO) / 2);
const HALF = glslFloat((HI - LO) / 2);

/** clampLogVar and clampLogVarSlope of vae.ts (needs TANH). */
export const LOG_VAR_CLAMP_GLSL =
  LOG_VAR_CLAMP === 'hard'
    ? `
  float clampLogVar(float raw) { return clamp(raw, ${glslFloat(LO)}, ${glslFloat(HI)}); }
  float clampLogVarSlope(float raw) { return raw >= ${glslFloat(LO)} && raw <= ${glslFloat(HI)} ? 1.0 : 0.0; }`
    : `
  float clampLogVar(float raw) { return ${MID} + ${HALF} * stableTanh((raw - ${MID}) / ${HALF}); }
  float clampLogVarSlope(float raw) { float t = stableTanh((raw - ${MID}) / ${HALF}); return 1.0 - t * t; }`;

const ALPHA = glslFloat(LEAKY_ALPHA);

/** Body of `vec4 activation(vec4 x)` for the forward product: the layer's activation. */
export function activationBody(act: LayerActivation): string | null {
  switch (act) {
    case 'linear':
      return null;
    case 'relu':
      return 'return max(x, vec4(0.0));';
    case 'leakyrelu':
      return `return mix(${ALPHA} * x, x, vec4(greaterThan(x, vec4(0.0))));`;
    case 'elu': {
      // exp only of non-positive values, so the unused branch cannot be Infinity (Infinity·0 is NaN).
      return 'vec4 pos = vec4(greaterThanEqual(x, vec4(0.0))); return pos * x + (1.0 - pos) * (exp(min(x, vec4(0.0))) - 1.0);';
    }
    case 'sigmoid':
      return 'return 1.0 / (1.0 + exp(-x));';
    case 'tanh':
      return 'return stableTanh(x);';
  }
}

/**
 * Body of `vec4 activation(vec4 a)` where `a` is a gradient and `b` (in
 * scope) the layer's output: a times the activation's slope, written in terms
 * of the output (as dense.ts's activationSlope is).
 */
export function slopeBody(act: LayerActivation): string {
  switch (act) {
    case 'linear':
      return 'return a;';
    case 'relu':
      return 'return a * vec4(greaterThan(b, vec4(0.0)));';
    case 'leakyrelu':
      return `return a * mix(vec4(${ALPHA}), vec4(1.0), vec4(greaterThan(b, vec4(0.0))));`;
    case 'elu':
      return 'vec4 pos = vec4(greaterThan(b, vec4(0.0))); return a * (pos + (1.0 - pos) * (b + 1.0));';
    case 'sigmoid':
      return 'return a * b * (1.0 - b);';
    case 'tanh':
      return 'return a * (1.0 - b * b);';
  }
}

/** Zeroes the parts of a packed output texel that lie outside a rows × cols matrix (padding must stay 0). */
export function zeroPadding2D(rows: number, cols: number): string {
  return `
    if (rc.y + 1 >= ${cols}) { result.y = 0.0; result.w = 0.0; }
    if (rc.x + 1 >= ${rows}) { result.z = 0.0; result.w = 0.0; }`;
}
