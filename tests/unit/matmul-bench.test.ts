// The benchmark's parts that can be checked on a CPU: the ONNX model it writes (run by
// onnxruntime-web's WASM EP against our reference), interleaved timing, the CPU suite's ratio
// row, report lines and the bench page's URL parameters.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { readParams } from '../../src/bench/params';
import { formatRatios, formatTable, formatTrainSteps, targetsMet } from '../../src/cli/bench/report';
import { benchTrainStep, TRAIN_SIZES } from '../../src/cli/bench/train-step';
import { createBackend } from '../../src/tensor';
import { matmulCpu } from '../../src/tensor/kernels/matmul';
import { benchInputs, interleave } from '../../src/bench/matmul-bench';
import { RATIO_CPU, runCpuSuite, type SuiteResult } from '../../src/bench/matmul-bench-suite';
import { onnxMatmulModel } from '../../src/bench/matmul-onnx';

ort.env.wasm.numThreads = 1;

describe('the one-node ONNX MatMul model', () => {
  it.each([
    ['2-D', [5, 7], [7, 3], { batch: 1, m: 5, n: 3, k: 7 }],
    ['batched', [2, 4, 6], [2, 6, 5], { batch: 2, m: 4, n: 5, k: 6 }],
    ['shared B', [3, 4, 6], [6, 5], { batch: 3, m: 4, n: 5, k: 6, broadcastB: true }],
  ] as const)('%s runs on onnxruntime-web and matches matmulCpu', async (_name, aDims, bDims, shape) => {
    const session = await ort.InferenceSession.create(onnxMatmulModel([...aDims], [...bDims]), { executionProviders: ['wasm'] });
    const { a, b } = benchInputs(shape, 3);
    const out = await session.run({ A: new ort.Tensor('float32', a, [...aDims]), B: new ort.Tensor('float32', b, [...bDims]) });
    const want = matmulCpu(a, b, shape);
    const got = out.C.data as Float32Array;
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    await session.release();
  });

  it('refuses operands that do not chain', () => {
    expect(() => onnxMatmulModel([2, 3], [4, 5])).toThrow(/A \[2,3\] and B \[4,5\] do not chain/);
  });
});

describe('interleave', () => {
  it('warms each contender up, sizes its batch, then alternates them for the given rounds', async () => {
    const calls: string[] = [];
    // Per-product times: x takes 30 ms alone (batch 1), y 5 ms (batch 5 to last 25 ms).
    const times = { x: [30, 60, 100, 80], y: [5, 10, 40, 10] };
    const runner = (name: 'x' | 'y') => async (n: number) => {
      calls.push(`${name}${n}`);
      return n * times[name][calls.filter((c) => c.startsWith(name)).length - 1];
    };
    const t = await interleave({ x: runner('x'), y: runner('y') }, { reps: 3 });
    expect(calls).toEqual(['x1', 'y1', 'x1', 'y5', 'x1', 'y5', 'x1', 'y5']);
    expect(t.x).toEqual({ bestMs: 60, medianMs: 80, runs: 3, batch: 1 });
    expect(t.y).toEqual({ bestMs: 10, medianMs: 10, runs: 3, batch: 5 });
  });

  it('stops starting rounds once the budget is spent, after at least one', async () => {
    const slow = async () => {
      const t0 = performance.now();
      while (performance.now() - t0 < 30);
      return 30;
    };
    const t = await interleave({ slow }, { reps: 100, budgetMs: 1 });
    expect(t.slow.runs).toBe(1);
  });
});

describe('the cpu suite', () => {
  it('times our fast path beside onnxruntime-web wasm and checks they agree', async () => {
    const result = await runCpuSuite(ort, 'test cpu', { sizes: [48, 64], ortSizes: [64], transformerShapes: false, reps: 1, budgetMs: 1000 });
    expect(result.rows.map((r) => r.label)).toEqual(['48x48x48', '64x64x64']);
    for (const r of result.rows) expect(r.gflops).toBeGreaterThan(0);
    expect(result.ratios).toHaveLength(1);
    expect(result.ratios[0]).toMatchObject({ name: RATIO_CPU, size: 64 });
    expect(result.ratios[0].ratio).toBeGreaterThan(0);
    expect(result.ratios[0].difference).toBeLessThan(1e-5);
  });
});

describe('the report', () => {
  const timing = (ms: number) => ({ bestMs: ms, medianMs: ms, runs: 3, batch: 1 });
  const suite = (ratio: number): SuiteResult => ({
    environment: 'env',
    rows: [{ label: '512x512x512', shape: { batch: 1, m: 512, n: 512, k: 512 }, backend: 'webgpu', gflops: 1.5, timing: timing(10) }],
    ratios: [{ name: 'ours / onnxruntime-web webgpu', size: 512, ratio, ours: timing(10), theirs: timing(10 * ratio), difference: 1e-7 }],
    notes: [],
  });

  it('prints each ratio with its verdict against the target', () => {
    expect(formatRatios([suite(1.5)])).toMatch(/^ours \/ onnxruntime-web webgpu 512: 1\.50 .*\(target >= 1: met\)$/);
    expect(formatRatios([suite(0.8)])).toMatch(/target >= 1: NOT met/);
    expect(targetsMet([suite(1.5)])).toBe(true);
    expect(targetsMet([suite(0.8)])).toBe(false);
  });

  it('tabulates GFLOP/s per product and environment', () => {
    expect(formatTable([suite(1)])).toMatch(/512x512x512\s+1\.500/);
  });
});

describe('bench page parameters', () => {
  it('reads sizes, ratio sizes and switches from the query string', () => {
    expect(readParams('?sizes=128,256&ort=256&shapes=0&reps=2&cpu=0&cpuOrt=256')).toMatchObject({
      sizes: [128, 256],
      ortSizes: [256],
      transformerShapes: false,
      reps: 2,
      cpu: false,
      cpuOrtSizes: [256],
    });
    expect(readParams('').cpuOrtSizes).toEqual([512]);
    expect(readParams('').sizes).toEqual([128, 256, 512, 1024]);
    expect(readParams('?ort=').ortSizes).toEqual([]);
    expect(() => readParams('?sizes=12,x')).toThrow(/not a list of sizes/);
  });
});

describe('the training-step benchmark', () => {
  it('times full steps of the golden-sized Llama on the cpu backend, and the loss moves', async () => {
    const be = await createBackend('cpu');
    const r = await benchTrainStep(be, TRAIN_SIZES[0], 2);
    expect(r).toMatchObject({ backend: 'cpu', tokensPerStep: 16, steps: 2 });
    expect(r.tokensPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(r.firstLoss)).toBe(true);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(formatTrainSteps([r])).toMatch(/golden tiny llama \(B2 T8\)\s+\d+/);
  });
});
