// acquireGpu's failure paths, driven by stand-in GPU entry points (a real adapter cannot be made
// to hang or lack a feature on demand). The happy path runs on real Dawn in tests/gpu.
import { describe, expect, it } from 'vitest';
import { acquireGpu, AdapterTimeoutError, LimitTooLowError, MissingFeatureError, NoWebGPUError } from '../../src/gpu';

function fakeAdapter(features: string[] = [], limits: Record<string, number> = {}): GPUAdapter {
  return {
    features: new Set(features),
    limits: { maxStorageBufferBindingSize: 128 << 20, ...limits },
    info: { vendor: 'test', architecture: '', device: '', description: 'stand-in' },
    requestDevice: () => new Promise(() => {}),
  } as unknown as GPUAdapter;
}

describe('acquireGpu failures', () => {
  it('says WebGPU is missing when there is no navigator.gpu', async () => {
    await expect(acquireGpu()).rejects.toThrow(NoWebGPUError);
    await expect(acquireGpu()).rejects.toThrow(/CPU backend will be used/);
  });

  it('says no adapter was found when requestAdapter answers null', async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    await expect(acquireGpu({ gpu })).rejects.toThrow(/no GPU adapter was found/);
  });

  it('times out an adapter that never answers', async () => {
    const gpu = { requestAdapter: () => new Promise(() => {}) } as unknown as GPU;
    const err = await acquireGpu({ gpu, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterTimeoutError);
    expect((err as AdapterTimeoutError).timeoutMs).toBe(50);
  });

  it('names a missing required feature', async () => {
    const gpu = { requestAdapter: async () => fakeAdapter(['timestamp-query']) } as unknown as GPU;
    await expect(acquireGpu({ gpu, requirements: { features: ['shader-f16'] } })).rejects.toThrow(
      new MissingFeatureError('shader-f16').message,
    );
  });

  it('names a limit that is too low, with both numbers', async () => {
    const gpu = { requestAdapter: async () => fakeAdapter() } as unknown as GPU;
    const err = await acquireGpu({ gpu, requirements: { limits: { maxStorageBufferBindingSize: 1 << 30 } } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LimitTooLowError);
    expect((err as Error).message).toMatch(/maxStorageBufferBindingSize.*134217728.*1073741824/);
  });
});
