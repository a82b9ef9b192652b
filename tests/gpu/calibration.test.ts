// Auto's calibration on a real WebGPU device (Dawn; SwiftShader on machines without a GPU): both
// backends measured on the same real training steps and product, and on a software adapter the
// headline preset goes to the CPU backend with both step times in the reason.
import { describe, expect, it } from 'vitest';
import { calibrate, calibrationKey } from '../../src/experiments/calibration/calibrate';
import { chooseBackend } from '../../src/experiments/calibration/choose';
import { presetSpec } from '../../src/experiments/presets';
import { parseSpec } from '../../src/experiments/spec/validate';
import { createBackend } from '../../src/tensor';
import { testGpu } from '../helpers/node-gpu';

describe('backend calibration on WebGPU', () => {
  it('measures both backends; a software adapter loses the headline preset to the CPU', async () => {
    const ctx = await testGpu();
    const gpu = { backend: await createBackend('webgpu', ctx), adapter: ctx.report.summary, software: ctx.report.isFallbackAdapter };
    const c = await calibrate(await createBackend('cpu'), gpu, calibrationKey(gpu.adapter, 2, 'test'), { reps: 2, budgetMs: 200 });
    console.log(`calibration (${gpu.adapter}): cpu ${c.cpu.stepMs.toFixed(1)} ms/step ${c.cpu.matmulGflops.toFixed(2)} GFLOP/s; webgpu ${c.webgpu?.stepMs.toFixed(1)} ms/step ${c.webgpu?.matmulGflops.toFixed(2)} GFLOP/s; ${c.seconds.toFixed(1)} s`);
    expect(c.webgpu).not.toBeNull();
    expect(c.webgpuError).toBeUndefined();
    for (const t of [c.cpu, c.webgpu!]) {
      expect(Number.isFinite(t.stepMs) && t.stepMs > 0).toBe(true);
      expect(Number.isFinite(t.matmulGflops) && t.matmulGflops > 0).toBe(true);
    }
    expect(c.adapter).toBe(gpu.adapter);
    const advice = chooseBackend(parseSpec(presetSpec('conditional-vs-marginal')), c, false);
    expect(advice.workload).toBe('features');
    expect(advice.kind).toBe(c.cpu.stepMs <= c.webgpu!.stepMs ? 'cpu' : 'webgpu');
    if (gpu.software) expect(advice.kind).toBe('cpu');
    expect(advice.reason).toContain(gpu.adapter);
  });
});
