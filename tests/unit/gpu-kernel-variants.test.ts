import { describe, expect, it } from 'vitest';
import {
  describeKernelVariants,
  KernelVariantSpecError,
  KernelVariantUnavailableError,
  parseKernelVariants,
  resolveKernelVariants,
} from '../../src/gpu';
import { forcedFeatures, kernelVariantsFromEnv, KERNEL_VARIANTS_ENV } from '../../src/gpu/kernel-variants';

const SWIFTSHADER = new Set(['subgroups', 'timestamp-query']);
const BIG_GPU = new Set(['subgroups', 'shader-f16', 'timestamp-query']);

describe('kernel variants', () => {
  it('uses every variant the features allow by default', () => {
    expect(resolveKernelVariants(BIG_GPU)).toEqual({ subgroups: false, f16: true, vec4: 'auto', matvec: false, fusedAttention: true });
    expect(resolveKernelVariants(new Set())).toEqual({ subgroups: false, f16: false, vec4: 'auto', matvec: false, fusedAttention: true });
  });

  it('picks f32 where shader-f16 is absent (SwiftShader), and f16 forced on there is a clear error', () => {
    expect(resolveKernelVariants(SWIFTSHADER).f16).toBe(false);
    expect(resolveKernelVariants(SWIFTSHADER, { f16: 'auto' }).f16).toBe(false);
    expect(() => resolveKernelVariants(SWIFTSHADER, { f16: 'on' }, 'SwiftShader driver')).toThrow(KernelVariantUnavailableError);
    expect(() => resolveKernelVariants(SWIFTSHADER, { f16: 'on' }, 'SwiftShader driver')).toThrow(
      /'f16' kernel variant was forced on, but this GPU adapter \(SwiftShader driver\) does not support the WebGPU feature 'shader-f16'.*f16=auto.*f16=off/,
    );
    expect(() => resolveKernelVariants(new Set(), { subgroups: 'on' })).toThrow(/feature 'subgroups'/);
    // The subgroup matvec needs subgroups: on where they are, an error where they are not (or are off).
    expect(resolveKernelVariants(SWIFTSHADER, { matvec: 'on' }).matvec).toBe(true);
    expect(describeKernelVariants(resolveKernelVariants(SWIFTSHADER, { matvec: 'on' }))).toContain('subgroup matvec');
    expect(() => resolveKernelVariants(new Set(), { matvec: 'on' })).toThrow(/'matvec' kernel variant was forced on/);
    expect(() => resolveKernelVariants(SWIFTSHADER, { matvec: 'on', subgroups: 'off' })).toThrow(/subgroups=off/);
  });

  it('turns variants off on request, even where the feature is present', () => {
    const v = resolveKernelVariants(BIG_GPU, { subgroups: 'off', f16: 'off', vec4: 'off', attention: 'unfused' });
    expect(v).toEqual({ subgroups: false, f16: false, vec4: 'off', matvec: false, fusedAttention: false });
    expect(describeKernelVariants(v)).toBe('no subgroups, f32, scalar loads, unfused attention');
    expect(describeKernelVariants(resolveKernelVariants(BIG_GPU))).toBe('no subgroups, f16, vec4 loads (tiled), fused attention');
    // Subgroup reductions are opt-in (their cross-subgroup order is not fixed): `on` picks them.
    expect(resolveKernelVariants(BIG_GPU, { subgroups: 'on' }).subgroups).toBe(true);
    expect(describeKernelVariants(resolveKernelVariants(BIG_GPU, { vec4: 'on' }))).toContain(', vec4 loads, ');
  });

  it('parses the flag text and rejects malformed parts by name', () => {
    expect(parseKernelVariants('subgroups=off, f16=on,vec4=auto,attention=unfused,matvec=on')).toEqual({ subgroups: 'off', f16: 'on', vec4: 'auto', attention: 'unfused', matvec: 'on' });
    expect(parseKernelVariants('')).toEqual({});
    expect(() => parseKernelVariants('subgroup=off')).toThrow(KernelVariantSpecError);
    expect(() => parseKernelVariants('subgroup=off')).toThrow(/unknown variant "subgroup"/);
    expect(() => parseKernelVariants('f16=yes')).toThrow(/f16 is auto, on or off, not "yes"/);
    expect(() => parseKernelVariants('attention=flash')).toThrow(/fused or unfused/);
    expect(() => parseKernelVariants('vec4')).toThrow(/not name=value/);
  });

  it('requests the forced-on features and reads the environment variable', () => {
    expect(forcedFeatures({ subgroups: 'on', f16: 'auto' })).toEqual(['subgroups']);
    expect(forcedFeatures({ f16: 'on', subgroups: 'off' })).toEqual(['shader-f16']);
    const before = process.env[KERNEL_VARIANTS_ENV];
    try {
      process.env[KERNEL_VARIANTS_ENV] = 'vec4=off';
      expect(kernelVariantsFromEnv()).toEqual({ vec4: 'off' });
      delete process.env[KERNEL_VARIANTS_ENV];
      expect(kernelVariantsFromEnv()).toEqual({});
    } finally {
      if (before === undefined) delete process.env[KERNEL_VARIANTS_ENV];
      else process.env[KERNEL_VARIANTS_ENV] = before;
    }
  });
});
