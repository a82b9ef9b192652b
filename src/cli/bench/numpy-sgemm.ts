// The native ceiling beside the cpu backend's matmul: numpy's float32 matmul (OpenBLAS sgemm in
// the numpy wheels and in Debian's python3-numpy) in a Python child process, at a thread count set
// by OPENBLAS_NUM_THREADS. Other OPENBLAS_* settings of the environment (OPENBLAS_CORETYPE) pass
// through as they are. Absent numpy, the bench says so and skips these lines.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runner } from '../../bench/matmul-bench';

export interface NumpyInfo {
  python: string;
  version: string;
  /** The BLAS numpy was built with, where numpy can say (numpy >= 1.25). */
  blas: string;
}

const PROBE = `
import numpy
blas = '?'
try:
    d = numpy.show_config(mode='dicts')['Build Dependencies']['blas']
    blas = f"{d.get('name', '?')} {d.get('version', '')}".strip()
except Exception:
    pass
print(numpy.__version__, blas)
`;

/** The first Python here with numpy (PATH's python3, then Debian's), or null with the reason. */
export function findNumpy(): { info: NumpyInfo } | { missing: string } {
  const tried: string[] = [];
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) {
      const [version, ...blas] = r.stdout.trim().split(' ');
      return { info: { python, version, blas: blas.join(' ') } };
    }
    tried.push(`${python}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`);
  }
  return { missing: `no Python with numpy (${tried.join('; ')})` };
}

const RUN = `
import sys, time
import numpy as np
n, times = int(sys.argv[1]), int(sys.argv[2])
a = np.fromfile(sys.argv[3], dtype=np.float32).reshape(n, n)
b = np.fromfile(sys.argv[4], dtype=np.float32).reshape(n, n)
c = a @ b
t0, c0 = time.perf_counter(), time.process_time()
for _ in range(times):
    c = a @ b
ms, cpu_ms = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
c.astype(np.float32).tofile(sys.argv[5])
print(ms, cpu_ms)
`;

export interface NumpyContender {
  run: Runner;
  /** CPU time (all the child's threads) of each run's products, in run order. */
  cpuMs: number[];
  result(): Float32Array;
  destroy(): void;
}

/** numpy's a @ b on the same n x n inputs; each run is one child process (import excluded from
 * the time, one warm-up product first), `threads` BLAS threads. */
export function numpyContender(info: NumpyInfo, n: number, a: Float32Array, b: Float32Array, threads: number): NumpyContender {
  const dir = mkdtempSync(join(tmpdir(), 'bench-numpy-'));
  const [fa, fb, fc] = ['a', 'b', 'c'].map((x) => join(dir, `${x}.f32`));
  writeFileSync(fa, a);
  writeFileSync(fb, b);
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const cpuMs: number[] = [];
  return {
    cpuMs,
    async run(times) {
      const r = spawnSync(info.python, ['-c', RUN, String(n), String(times), fa, fb, fc], { encoding: 'utf8', env, timeout: 600_000 });
      if (r.status !== 0) throw new Error(`bench: numpy failed: ${r.error?.message ?? r.stderr.trim()}`);
      const [wall, cpu] = r.stdout.trim().split(/\s+/).map(Number);
      cpuMs.push(cpu / times);
      return wall;
    },
    result: () => {
      const buf = readFileSync(fc);
      return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4).slice();
    },
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
}
