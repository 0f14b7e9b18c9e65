/**
 * What this browser's WebGPU offers, asked before tfjs's webgpu code loads:
 * whether there is an adapter at all, and whether it is a software one
 * (SwiftShader and friends run the GPU's work on the CPU, slower than wasm).
 */

const SOFTWARE_ADAPTERS = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i;
/** requestAdapter should answer at once; a browser that never does must not stall the start. */
const ADAPTER_TIMEOUT_MS = 5_000;

interface AdapterFacts {
  /** Why WebGPU cannot run here, in words for the page; null when it can. */
  missing: string | null;
  /** A software adapter's short name (e.g. "SwiftShader"); null for hardware. */
  software: string | null;
}

function gpu(): GPU | null {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu ?? null;
}

/** A software adapter's short name from its info, or null when it looks like hardware. */
export function softwareAdapterName(info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }): string | null {
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  const known = SOFTWARE_ADAPTERS.exec(text);
  if (known) return known[0].toLowerCase() === 'swiftshader' ? 'SwiftShader' : known[0];
  return info.isFallbackAdapter ? 'a fallback adapter' : null;
}

async function requestAdapter(entry: GPU): Promise<GPUAdapter | null | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ADAPTER_TIMEOUT_MS)));
  try {
    // The same request tfjs's webgpu backend makes when it starts.
    return await Promise.race([entry.requestAdapter({ powerPreference: 'high-performance' }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let asked: Promise<AdapterFacts> | null = null;

async function ask(): Promise<AdapterFacts> {
  const entry = gpu();
  if (!entry) return { missing: 'this browser has no WebGPU (it may be turned off)', software: null };
  try {
    const adapter = await requestAdapter(entry);
    if (adapter === 'timeout') return { missing: 'WebGPU did not answer when asked for a graphics adapter', software: null };
    if (!adapter) return { missing: 'WebGPU found no graphics adapter it can use', software: null };
    return { missing: null, software: softwareAdapterName(adapter.info ?? {}) };
  } catch (error) {
    return { missing: `WebGPU refused to give a graphics adapter (${error instanceof Error ? error.message : String(error)})`, software: null };
  }
}

/** Asked once per worker: the adapter does not change while the page is open. */
function adapterFacts(): Promise<AdapterFacts> {
  asked ??= ask();
  return asked;
}

/** Why WebGPU cannot run in this browser, or null when an adapter is there. */
export async function webGpuMissing(): Promise<string | null> {
  return (await adapterFacts()).missing;
}

/** The WebGPU adapter's name when it computes in software; null for hardware or no WebGPU. */
export async function softwareWebGpuAdapter(): Promise<string | null> {
  return (await adapterFacts()).software;
}
