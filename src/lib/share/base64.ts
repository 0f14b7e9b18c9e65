/**
 * Float32 arrays <-> base64 (little-endian), without the DOM and without
 * building a giant binary string first, so a million weights stay cheap.
 * Decoding is strict: wrong characters, padding or length are errors, never guesses.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 4096; // whole 3-byte groups per chunk, so only the last one pads
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let out = '';
    for (let i = start; i < end; i += 3) {
      const a = bytes[i];
      const b = i + 1 < end ? bytes[i + 1] : 0;
      const c = i + 2 < end ? bytes[i + 2] : 0;
      const n = (a << 16) | (b << 8) | c;
      out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
      out += i + 1 < end ? ALPHABET[(n >> 6) & 63] : '=';
      out += i + 2 < end ? ALPHABET[n & 63] : '=';
    }
    parts.push(out);
  }
  return parts.join('');
}

/** The bytes, or a reason the text is not canonical base64. */
export function base64ToBytes(text: string): { ok: true; bytes: Uint8Array } | { ok: false; reason: string } {
  if (text.length % 4 !== 0) return { ok: false, reason: `its length ${text.length} is not a multiple of 4` };
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const code = text.charCodeAt(i + k);
      const isPad = last && code === 61 /* = */ && k >= 4 - padding;
      const value = isPad ? 0 : code < 128 ? LOOKUP[code] : -1;
      if (value < 0) return { ok: false, reason: `it has a character that is not base64 at position ${i + k}` };
      n = (n << 6) | value;
    }
    bytes[o++] = (n >> 16) & 255;
    if (o < bytes.length) bytes[o++] = (n >> 8) & 255;
    if (o < bytes.length) bytes[o++] = n & 255;
  }
  return { ok: true, bytes };
}

export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytesToBase64(bytes);
}

export function bytesToFloat32(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(Math.floor(bytes.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
