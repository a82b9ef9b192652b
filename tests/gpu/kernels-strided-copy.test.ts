import { describe, expect, it } from 'vitest';
import stridedCopyWgsl from '../../shaders/strided-copy.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { stridedCopyCheck } from '../../src/tensor/checks/strided-copy';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('strided-copy on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(stridedCopyCheck);
  });

  it('copies, permutes, broadcasts, slices and casts match the CPU reference', async () => {
    expectAllOk(await stridedCopyCheck.run(await testGpu()), 6);
  });

  it('catches an index loop that skips the first axis', async () => {
    await expectCaught(await testGpu(), stridedCopyCheck, stridedCopyWgsl, 'for (var j = i32(params.rank) - 1; j >= 0; j--)', 'for (var j = i32(params.rank) - 1; j >= 1; j--)', /./);
  });
});
