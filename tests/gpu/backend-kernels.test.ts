import { describe, expect, it } from 'vitest';
import binaryWgsl from '../../shaders/binary.wgsl?raw';
import reduceWgsl from '../../shaders/reduce.wgsl?raw';
import softmaxWgsl from '../../shaders/softmax.wgsl?raw';
import stridedWgsl from '../../shaders/strided-copy.wgsl?raw';
import unaryWgsl from '../../shaders/unary.wgsl?raw';
import { CORE_CHECKS, binaryCheck, reduceCheck, softmaxCheck, stridedCopyCheck, unaryCheck } from '../../src/tensor/kernels/core-checks';
import type { KernelCheck } from '../../src/tensor/checks';
import { testGpu } from '../helpers/node-gpu';

describe('engine-core kernels on Dawn match their CPU references', () => {
  for (const check of CORE_CHECKS) {
    it(check.kernel, async () => {
      const results = await check.run(await testGpu());
      const failed = results.filter((r) => !r.ok);
      expect(failed, failed.map((r) => `${r.case}: ${r.maxAbsError} (${r.tolerance})`).join('\n')).toEqual([]);
      expect(results.length).toBeGreaterThan(5);
    });
  }
});

// Each deliberately wrong kernel must fail at least one case: the checks can fail.
const WRONG: Array<[KernelCheck, string, string, string]> = [
  [unaryCheck, unaryWgsl, 'case 11u: { return v * sigmoid(v); }', 'case 11u: { return v * sigmoid(v) * 1.001; }'],
  [binaryCheck, binaryWgsl, 'ai += c * at(params.a_strides, u32(j));', 'ai += c * at(params.b_strides, u32(j));'],
  [stridedCopyCheck, stridedWgsl, 'for (var j = i32(params.rank) - 1; j >= 0; j--)', 'for (var j = i32(params.rank) - 1; j >= 1; j--)'],
  [reduceCheck, reduceWgsl, 'for (var s = WG / 2u; s > 0u; s = s / 2u)', 'for (var s = WG / 4u; s > 0u; s = s / 2u)'],
  [softmaxCheck, softmaxWgsl, 'y[base + c] = x[base + c] - lse;', 'y[base + c] = x[base + c] - m;'],
];

describe('the checks catch wrong kernels', () => {
  for (const [check, code, from, to] of WRONG) {
    it(check.kernel, async () => {
      const wrong = code.replace(from, to);
      expect(wrong).not.toBe(code);
      const results = await check.run(await testGpu(), { shaderCode: wrong });
      expect(results.some((r) => !r.ok)).toBe(true);
    });
  }
});
