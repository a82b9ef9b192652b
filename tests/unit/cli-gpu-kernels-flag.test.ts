import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/command';
import { applyGpuKernelsFlag } from '../../src/cli/gpu-kernels-flag';
import { KERNEL_VARIANTS_ENV } from '../../src/gpu/kernel-variants';

describe('--gpu-kernels', () => {
  it('is taken out of argv and handed to acquireGpu through the environment', () => {
    const env: Record<string, string | undefined> = {};
    expect(applyGpuKernelsFlag(['bench', '--gpu-kernels', 'subgroups=off', '--sizes', '128'], env)).toEqual(['bench', '--sizes', '128']);
    expect(env[KERNEL_VARIANTS_ENV]).toBe('subgroups=off');
    expect(applyGpuKernelsFlag(['--gpu-kernels=attention=unfused,vec4=off', 'gpu', 'info'], env)).toEqual(['gpu', 'info']);
    expect(env[KERNEL_VARIANTS_ENV]).toBe('attention=unfused,vec4=off');
  });

  it('rejects a malformed list as a usage error, naming the bad part', () => {
    expect(() => applyGpuKernelsFlag(['--gpu-kernels', 'f16=maybe'], {})).toThrow(UsageError);
    expect(() => applyGpuKernelsFlag(['--gpu-kernels', 'f16=maybe'], {})).toThrow(/f16 is auto, on or off, not "maybe"/);
    expect(() => applyGpuKernelsFlag(['--gpu-kernels'], {})).toThrow(/wants a list/);
  });
});
