// "Auto": the calibration measures real training steps and products on a backend, the advice
// compares them for the spec's kind of work and says why with the numbers, and the cache keeps a
// calibration per key (fake-indexeddb).
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { calibrate, calibrationKey } from '../../src/experiments/calibration/calibrate';
import { cachedCalibration, keepCalibration } from '../../src/experiments/calibration/cache';
import { chooseBackend, workloadOf } from '../../src/experiments/calibration/choose';
import { presetSpec } from '../../src/experiments/presets';
import type { Calibration } from '../../src/protocol/backend';
import { initCpuBackend } from '../../src/tensor';

function cal(cpu: [number, number], gpu: [number, number] | null, software = false): Calibration {
  return {
    key: 'k',
    measuredAt: '2026-12-03T00:00:00Z',
    cpu: { stepMs: cpu[0], matmulGflops: cpu[1], detail: 'WebAssembly SIMD matmul' },
    webgpu: gpu && { stepMs: gpu[0], matmulGflops: gpu[1], detail: 'GPU' },
    ...(gpu ? {} : { webgpuError: 'navigator.gpu is missing' }),
    adapter: gpu ? (software ? 'SwiftShader Device (software fallback)' : 'NVIDIA H200') : null,
    softwareAdapter: software,
    seconds: 1,
  };
}

describe('choosing the backend', () => {
  const headline = presetSpec('conditional-vs-marginal');
  const lm = presetSpec('lm-reward-models');

  it('sorts specs by their work: features reward models vs language-model arms', () => {
    expect(workloadOf(headline)).toBe('features');
    expect(workloadOf(lm)).toBe('lm');
  });

  it('picks the CPU for the headline preset on a software adapter, with both step times in the reason', () => {
    const a = chooseBackend(headline, cal([3.1, 4], [95, 0.3], true), false);
    expect(a.kind).toBe('cpu');
    expect(a.reason).toContain('3.1 ms');
    expect(a.reason).toContain('95 ms');
    expect(a.reason).toContain('31× faster');
    expect(a.reason).toContain('SwiftShader');
  });

  it('picks WebGPU when its steps are faster, and compares products for language-model arms', () => {
    expect(chooseBackend(headline, cal([3, 4], [1, 900]), false).kind).toBe('webgpu');
    const big = chooseBackend(lm, cal([1, 4], [5, 900]), true);
    expect(big.kind).toBe('webgpu');
    expect(big.reason).toContain('900 GFLOP/s');
    expect(chooseBackend(lm, cal([1, 4], [5, 0.3], true), true).kind).toBe('cpu');
  });

  it('without WebGPU, the CPU with the reason WebGPU is missing', () => {
    const a = chooseBackend(headline, cal([3, 4], null), false);
    expect(a.kind).toBe('cpu');
    expect(a.reason).toContain('navigator.gpu is missing');
  });
});

describe('measuring', () => {
  it('times real training steps and a product on the cpu backend; no WebGPU is recorded as such', async () => {
    const cpu = await initCpuBackend();
    const key = calibrationKey(null, 2, 'test');
    const c = await calibrate(cpu, { error: 'no adapter in this test' }, key, { reps: 1, budgetMs: 1 });
    expect(c.key).toBe(key);
    expect(c.cpu.stepMs).toBeGreaterThan(0);
    expect(Number.isFinite(c.cpu.stepMs)).toBe(true);
    expect(c.cpu.matmulGflops).toBeGreaterThan(0);
    expect(c.cpu.detail).toMatch(/matmul/);
    expect(c.webgpu).toBeNull();
    expect(c.webgpuError).toBe('no adapter in this test');
  });

  it('keys by adapter, CPU threads and app version', () => {
    const keys = new Set([calibrationKey('A', 8, '1'), calibrationKey('B', 8, '1'), calibrationKey('A', 4, '1'), calibrationKey('A', 8, '2'), calibrationKey(null, 8, '1')]);
    expect(keys.size).toBe(5);
  });

  it('the cache returns what was kept under a key and nothing for another key', async () => {
    const c = { ...cal([2, 3], [9, 0.5], true), key: 'adapter X|threads 4|app 1' };
    await keepCalibration(c);
    expect(await cachedCalibration(c.key)).toEqual(c);
    expect(await cachedCalibration('adapter Y|threads 4|app 1')).toBeNull();
  });
});
