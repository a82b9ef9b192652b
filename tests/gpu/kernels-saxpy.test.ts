import { describe, expect, it } from 'vitest';
import saxpyWgsl from '../../shaders/saxpy.wgsl?raw';
import { saxpyCheck, saxpyGpu } from '../../src/tensor/checks/saxpy';
import { testGpu } from '../helpers/node-gpu';

describe('saxpy on Dawn', () => {
  it('matches the CPU reference on random and extreme inputs', async () => {
    const ctx = await testGpu();
    const results = await saxpyCheck.run(ctx);
    for (const r of results) expect(r, `${r.case}: max error ${r.maxAbsError}`).toMatchObject({ ok: true });
    expect(results.length).toBeGreaterThanOrEqual(8);
  });

  it('catches a deliberately wrong kernel', async () => {
    const ctx = await testGpu();
    const wrong = saxpyWgsl.replace('params.a * x[i] + y[i]', 'params.a * x[i] - y[i]');
    expect(wrong).not.toBe(saxpyWgsl);
    const results = await saxpyCheck.run(ctx, { shaderCode: wrong });
    expect(results.every((r) => !r.ok)).toBe(true);
  });

  it('covers an empty input without dispatching', async () => {
    const ctx = await testGpu();
    expect(await saxpyGpu(ctx, 2, new Float32Array(0), new Float32Array(0))).toHaveLength(0);
  });

  it('rejects mismatched shapes naming both', async () => {
    const ctx = await testGpu();
    await expect(saxpyGpu(ctx, 1, new Float32Array(3), new Float32Array(4))).rejects.toThrow(/\[3\].*\[4\]/);
  });
});
