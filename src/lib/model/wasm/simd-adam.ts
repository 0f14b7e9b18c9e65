/**
 * Adam's update as a tiny hand-assembled WebAssembly SIMD function that runs
 * on the wasm backend's own memory: four values per instruction, no copies.
 * A JavaScript pass over the same heap takes ~5 ms a step for the default
 * model's 1.07 M parameters and tfjs's fourteen ops ~6 ms; this ~1 ms.
 * The arithmetic follows tfjs's Adam op for op in float32:
 *   m₁ = β₁·m + (1−β₁)·g, v₁ = β₂·v + (1−β₂)·g²,
 *   w₁ = (m₁/c₁) / (√(v₁/c₂) + ε) · (−lr) + w.
 * No toolchain is needed to build it, and the bytes are small enough to read.
 */

/** Adam over `bytes` bytes (a multiple of 16) at the given heap offsets. */
export type SimdAdam = (g: number, m: number, v: number, w: number, mOut: number, vOut: number, wOut: number, bytes: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, correction1: number, correction2: number, epsilon: number, negLr: number) => void;

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];

// Opcodes (core and SIMD, 0xFD-prefixed).
const GET = 0x20;
const SET = 0x21;
const I32_ADD = 0x6a;
const I32_GE_U = 0x4f;
const I32_CONST = 0x41;
const simd = (op: number) => [0xfd, ...uleb(op)];
const LOAD = [...simd(0x00), 0, 0];
const STORE = [...simd(0x0b), 0, 0];
const SPLAT = simd(0x13);
const SQRT = simd(0xe3);
const ADD = simd(0xe4);
const MUL = simd(0xe6);
const DIV = simd(0xe7);

// Parameters 0–7: g, m, v, w, mOut, vOut, wOut, bytes (i32); 8–15 the constants (f32).
// Locals: 16 = i (i32); 17 = g value, 18 = m₁, 19 = v₁, 20–27 = the constants splat to four lanes (v128).
const [G, M, V, W, M_OUT, V_OUT, W_OUT, BYTES] = [0, 1, 2, 3, 4, 5, 6, 7];
const I = 16;
const [GV, M1, V1] = [17, 18, 19];
const [B1, OB1, B2, OB2, C1, C2, EPS, NEG_LR] = [20, 21, 22, 23, 24, 25, 26, 27];
const at = (pointer: number) => [GET, pointer, GET, I, I32_ADD];

function body(): number[] {
  const splats = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((k) => [GET, 8 + k, ...SPLAT, SET, B1 + k]);
  const loop = [
    0x02, 0x40, // block
    0x03, 0x40, // loop
    GET, I, GET, BYTES, I32_GE_U, 0x0d, 1, // br_if out when i ≥ bytes
    ...at(G), ...LOAD, SET, GV,
    ...at(M), ...LOAD, GET, B1, ...MUL, GET, GV, GET, OB1, ...MUL, ...ADD, SET, M1,
    ...at(V), ...LOAD, GET, B2, ...MUL, GET, GV, GET, GV, ...MUL, GET, OB2, ...MUL, ...ADD, SET, V1,
    ...at(M_OUT), GET, M1, ...STORE,
    ...at(V_OUT), GET, V1, ...STORE,
    ...at(W_OUT),
    GET, M1, GET, C1, ...DIV,
    GET, V1, GET, C2, ...DIV, ...SQRT, GET, EPS, ...ADD,
    ...DIV, GET, NEG_LR, ...MUL,
    ...at(W), ...LOAD, ...ADD,
    ...STORE,
    GET, I, I32_CONST, 16, I32_ADD, SET, I,
    0x0c, 0, // br to the loop's start
    0x0b, // end loop
    0x0b, // end block
  ];
  const locals = [2, 1, 0x7f, 11, 0x7b]; // one i32, eleven v128
  const code = [...locals, ...splats, ...loop, 0x0b];
  return [...uleb(code.length), ...code];
}

/** The module's bytes, importing `env.memory` (shared when the backend's memory is). */
export function simdAdamModule(sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const type = [1, 0x60, 16, ...Array(8).fill(0x7f), ...Array(8).fill(0x7d), 0];
  const limits = sharedMemory ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const imports = [1, ...name('env'), ...name('memory'), 0x02, ...limits];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, type),
    ...section(2, imports),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('adam'), 0x00, 0]),
    ...section(10, [1, ...body()]),
  ]);
}

const instances = new WeakMap<WebAssembly.Memory, SimdAdam | null>();

/** The SIMD update bound to `memory`, or null where this engine has no wasm SIMD. */
export function simdAdamFor(memory: WebAssembly.Memory): SimdAdam | null {
  if (instances.has(memory)) return instances.get(memory)!;
  let adam: SimdAdam | null = null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = simdAdamModule(shared);
  if (WebAssembly.validate(bytes)) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    adam = instance.exports.adam as SimdAdam;
  }
  instances.set(memory, adam);
  return adam;
}
