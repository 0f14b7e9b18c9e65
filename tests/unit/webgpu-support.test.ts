/** What the worker learns about WebGPU before loading tfjs's webgpu code, with navigator.gpu faked. */
import { afterEach, describe, expect, it, vi } from 'vitest';

type Adapter = { info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean } } | null;

/** A fresh copy of the module (it asks the browser once) with `navigator.gpu` answering `adapter`. */
async function withGpu(gpu: { requestAdapter: () => Promise<Adapter> } | undefined) {
  vi.resetModules();
  vi.stubGlobal('navigator', gpu ? { gpu } : {});
  return import('../../src/lib/training/webgpu-support');
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('WebGPU support', () => {
  it('names the missing piece: no navigator.gpu, no adapter, a refusal', async () => {
    expect(await (await withGpu(undefined)).webGpuMissing()).toBe('this browser has no WebGPU (it may be turned off)');
    expect(await (await withGpu({ requestAdapter: async () => null })).webGpuMissing()).toBe('WebGPU found no graphics adapter it can use');
    const refusing = await withGpu({ requestAdapter: () => Promise.reject(new Error('blocked by policy')) });
    expect(await refusing.webGpuMissing()).toBe('WebGPU refused to give a graphics adapter (blocked by policy)');
  });

  it('gives up on a browser that never answers, instead of stalling the start', async () => {
    vi.useFakeTimers();
    const silent = await withGpu({ requestAdapter: () => new Promise<Adapter>(() => {}) });
    const answer = silent.webGpuMissing();
    await vi.advanceTimersByTimeAsync(5_000);
    const settled = await Promise.race([answer, new Promise((resolve) => queueMicrotask(() => resolve('still waiting')))]);
    expect(settled).toBe('WebGPU did not answer when asked for a graphics adapter');
  });

  it('tells a software adapter from a hardware one, and asks the browser once', async () => {
    const requestAdapter = vi.fn(async (): Promise<Adapter> => ({ info: { vendor: 'google', architecture: 'swiftshader', description: '' } }));
    const support = await withGpu({ requestAdapter });
    expect(await support.webGpuMissing()).toBeNull();
    expect(await support.softwareWebGpuAdapter()).toBe('SwiftShader');
    expect(requestAdapter).toHaveBeenCalledTimes(1);

    const hardware = await withGpu({ requestAdapter: async () => ({ info: { vendor: 'nvidia', architecture: 'ampere', description: '' } }) });
    expect(await hardware.softwareWebGpuAdapter()).toBeNull();
  });

  it('reads the adapter info the ways browsers report software', async () => {
    const { softwareAdapterName } = await withGpu(undefined);
    expect(softwareAdapterName({ vendor: 'google', architecture: 'swiftshader' })).toBe('SwiftShader');
    expect(softwareAdapterName({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe('llvmpipe');
    expect(softwareAdapterName({ vendor: 'microsoft', device: 'Microsoft Basic Render Driver' })).toBe('Microsoft Basic Render');
    expect(softwareAdapterName({ vendor: '', architecture: '', isFallbackAdapter: true })).toBe('a fallback adapter');
    expect(softwareAdapterName({ vendor: 'apple', architecture: 'metal-3' })).toBeNull();
    expect(softwareAdapterName({})).toBeNull();
  });
});
