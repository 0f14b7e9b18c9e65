/**
 * The numerical choices that decide how well a run trains, in one tfjs-free
 * place: the model, the optimizer and the exported PyTorch script all read
 * them, so the script cannot drift from the app. tests/parity/run.mjs flips
 * them one at a time to measure what each is worth (tests/parity/RESULTS.md).
 */

/**
 * How log σ² is kept inside LOG_VAR_RANGE. 'hard' clips it, which zeroes the
 * gradient outside the range, so a unit pushed past −10 can never come back;
 * 'soft' maps it through 10·tanh(x/10), which stays in range with a gradient everywhere.
 */
export const LOG_VAR_CLAMP: 'hard' | 'soft' = 'soft';

/**
 * Initial weights. 'glorot': U(±√(6/(in+out))) weights, zero biases.
 * 'torch': PyTorch's nn.Linear default, U(±1/√in) for weights and biases.
 */
export const INIT: 'glorot' | 'torch' = 'torch';

/**
 * Adam's ε. tfjs defaults to 1e-7, PyTorch to 1e-8; 1e-8 measured no better
 * here (tests/parity/RESULTS.md), so the app keeps tfjs's value and the
 * exported script uses the same.
 */
export const ADAM_EPSILON = 1e-7;

/** RMSProp: decay 0.9 and ε 1e-7 inside the square root, tfjs's defaults: θ −= lr·g/√(v + ε). */
export const RMSPROP_DECAY = 0.9;
export const RMSPROP_EPSILON = 1e-7;
