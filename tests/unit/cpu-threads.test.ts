// The cpu backend's threads (src/tensor/cpu/thread-pool.ts): products on 2 threads are the same
// bits as on 1, at sizes that are no multiple of the kernel's tile or of a task's rows, with the
// workers really taking part; the fallback to 1 thread says why; a CLI command on threads exits.
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { initFastMatmul, matmulFast, MIN_THREADED_MACS } from '../../src/tensor/cpu/matmul-fast';
import { cpuThreadInfo, cpuThreadWork, setCpuThreads, shutdownCpuThreads, startCpuThreads } from '../../src/tensor/cpu/thread-pool';
import type { MatmulShape } from '../../src/tensor/kernels/matmul-shape';
import { matmulLengths } from '../../src/tensor/kernels/matmul';
import { Rng } from '../../src/util/rng';

const SHAPES: MatmulShape[] = [
  { batch: 1, m: 203, n: 131, k: 97 },
  { batch: 1, m: 150, n: 141, k: 101, transA: true, transB: true },
  { batch: 3, m: 70, n: 101, k: 99, broadcastB: true }, // one tall job of 210 rows
  { batch: 2, m: 133, n: 129, k: 130, transB: true },
  // Several row chunks (256 rows each: double-buffered A and C while the threads compute).
  { batch: 1, m: 601, n: 37, k: 99, transA: true },
  { batch: 3, m: 230, n: 37, k: 90, broadcastB: true },
];

function product(shape: MatmulShape, threads: number, a: Float32Array, b: Float32Array): Float32Array {
  setCpuThreads(threads);
  return matmulFast(a, b, shape);
}

afterEach(() => setCpuThreads('auto'));
afterAll(() => shutdownCpuThreads());

describe('cpu threads', () => {
  it('computes the same bits on 2 threads as on 1, and the workers take part', async () => {
    await initFastMatmul();
    const rng = new Rng(5);
    for (const shape of SHAPES) {
      const rows = shape.broadcastB ? shape.batch * shape.m : shape.m;
      expect(rows * shape.n * shape.k, JSON.stringify(shape)).toBeGreaterThanOrEqual(MIN_THREADED_MACS);
      const len = matmulLengths(shape);
      const a = rng.float32(len.a);
      const b = rng.float32(len.b);
      const one = product(shape, 1, a, b);
      setCpuThreads(2);
      const info = await startCpuThreads();
      expect(info).toMatchObject({ threads: 2, requested: 2 });
      // A worker woken on a busy machine may find every tile taken: repeat (bounded) until one ran.
      let two = product(shape, 2, a, b);
      for (let i = 0; i < 400 && cpuThreadWork()[1] === 0; i++) two = product(shape, 2, a, b);
      expect(cpuThreadWork()[1], 'tasks the worker ran').toBeGreaterThan(0);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer)), JSON.stringify(shape)).toBe(true);
    }
  });

  it('keeps small products on the calling thread', async () => {
    setCpuThreads(2);
    await startCpuThreads();
    const before = cpuThreadWork().reduce((x, y) => x + y, 0);
    matmulFast(new Float32Array(64 * 64), new Float32Array(64 * 64), { batch: 1, m: 64, n: 64, k: 64 });
    expect(cpuThreadWork().reduce((x, y) => x + y, 0)).toBe(before);
  });

  it('falls back to 1 thread, saying why, without cross-origin isolation or on a page main thread', () => {
    const g = globalThis as { crossOriginIsolated?: boolean; document?: unknown };
    setCpuThreads(2);
    try {
      g.crossOriginIsolated = false;
      expect(cpuThreadInfo()).toMatchObject({ threads: 1, requested: 2, reason: expect.stringMatching(/not cross-origin isolated/) });
      delete g.crossOriginIsolated;
      shutdownCpuThreads();
      g.document = {};
      expect(cpuThreadInfo()).toMatchObject({ threads: 1, reason: expect.stringMatching(/main thread cannot wait/) });
      const a = new Rng(1).float32(200 * 200);
      expect(matmulFast(a, a, { batch: 1, m: 200, n: 200, k: 200 })).toHaveLength(200 * 200);
      expect(cpuThreadWork()).toEqual([]);
    } finally {
      delete g.crossOriginIsolated;
      delete g.document;
    }
    setCpuThreads(1);
    expect(cpuThreadInfo()).toMatchObject({ threads: 1, requested: 1 });
    expect(cpuThreadInfo().reason).toBeUndefined();
    expect(() => setCpuThreads(0)).toThrow(/whole number >= 1/);
  });

  it('runs the fused multiply-add kernel (relaxed SIMD) right, and the same bits on 2 threads', () => {
    // Node 20 has relaxed SIMD behind a flag (the CLI sets it), so this runs in a child started with it.
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', 'scripts/node-run.mjs', 'tests/fixtures/cpu-threads/fma-check.ts'], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      relaxed: boolean;
      results: { shape: MatmulShape; ok: boolean; sameBits: boolean; workerTasks: number }[];
    };
    expect(out.relaxed).toBe(true);
    for (const x of out.results) expect(x, JSON.stringify(x.shape)).toMatchObject({ ok: true, sameBits: true });
    expect(out.results.filter((x) => x.workerTasks === 0).map((x) => x.shape.m)).toEqual([5]);
  }, 300_000);

  it('lets a CLI command on 2 threads exit by itself', () => {
    // The bench's cpu suite at one size large enough for the threads; the workers are unref'd, so
    // Node exits when the command returns (a pool that held the process would hit the timeout).
    const r = spawnSync(
      process.execPath,
      ['scripts/node-run.mjs', 'src/cli/main.ts', '--threads', '2', 'bench', '--node-only', '--no-webgpu', '--no-train', '--no-generate=1', '--no-shapes', '--sizes', '256', '--reps', '1', '--no-peers', '--out', 'bench-output/cpu-threads-test.json'],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(r.error, r.stderr).toBeUndefined();
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/cpu backend threads: 2/);
  }, 300_000);
});
