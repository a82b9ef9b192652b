// The rope KernelCheck: the WGSL rotation (forward and inverse) against the CPU reference, which
// uses exact cos/sin of the same f32 angles, on both layouts, shared and per-batch positions,
// long sequences (angles of thousands of radians) and extreme magnitudes. Registered in ./index.ts.
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import type { CheckResult, KernelCheck } from './types';
import { compareOutputs, maxAbs } from './compare';
import type { KernelOptions } from '../kernels/kernel-support';
import { runKernel } from './run-kernel';
import { encodeRope, ropeCpu, type RopeShape } from '../kernels/rope';

// The kernel's own sin/cos are good to ~2e-7 absolute after reduction; each output mixes two
// inputs, so errors are bounded by a few 1e-7 of max|x|.
const TOL = { rtol: 1e-6, atol: 2e-6 };

interface RopeCase {
  name: string;
  shape: Omit<RopeShape, 'inverse'>;
  scale: number;
  /** Positions: 'arange' (0..T-1, offset by `start`) or 'padded' (per batch, left padding of random length). */
  positions: 'arange' | 'padded';
  start?: number;
}

export const ROPE_CASES: RopeCase[] = [
  { name: 'B=1 H=1 T=1 D=2', shape: { b: 1, h: 1, t: 1, d: 2, theta: 10000 }, scale: 1, positions: 'arange' },
  { name: 'B=2 H=3 T=5 D=8', shape: { b: 2, h: 3, t: 5, d: 8, theta: 10000 }, scale: 1, positions: 'arange' },
  { name: 'B=2 H=3 T=7 D=64 BTHD, left-padded positions', shape: { b: 2, h: 3, t: 7, d: 64, theta: 100000, layout: 'BTHD', perBatchPositions: true }, scale: 1, positions: 'padded' },
  { name: 'B=1 H=2 T=33 D=128 theta=1e6 (ragged grid)', shape: { b: 1, h: 2, t: 33, d: 128, theta: 1e6 }, scale: 1, positions: 'arange' },
  { name: 'T=4096 (angles to 4095 rad)', shape: { b: 1, h: 1, t: 4096, d: 4, theta: 10000 }, scale: 1, positions: 'arange' },
  { name: 'positions 30000.. (KV-cache offsets)', shape: { b: 1, h: 2, t: 9, d: 16, theta: 10000 }, scale: 1, positions: 'arange', start: 30000 },
  { name: 'extreme: |x| ~ 1e4', shape: { b: 2, h: 2, t: 6, d: 32, theta: 10000 }, scale: 1e4, positions: 'arange' },
];

function makePositions(c: RopeCase, rng: Rng): Int32Array {
  const { b, t, perBatchPositions } = c.shape;
  if (c.positions === 'arange') return Int32Array.from({ length: perBatchPositions ? b * t : t }, (_, i) => (i % t) + (c.start ?? 0));
  // HF's left padding: position_ids = cumsum(mask) - 1, with padded slots set to 1.
  const p = new Int32Array(b * t);
  for (let bi = 0; bi < b; bi++) {
    const pad = rng.int(t);
    for (let ti = 0; ti < t; ti++) p[bi * t + ti] = ti < pad ? 1 : ti - pad;
  }
  return p;
}

export async function ropeGpu(ctx: GpuContext, x: Float32Array, positions: Int32Array, s: RopeShape, options: KernelOptions = {}): Promise<Float32Array> {
  const r = await runKernel(ctx, 'rope', { x, positions }, { out: x.length }, (enc, b) => encodeRope(ctx, enc, b.x, b.positions, b.out, s, options));
  return r.out;
}

export const ropeCheck: KernelCheck = {
  kernel: 'rope',
  async run(ctx, options = {}) {
    const rng = new Rng(77);
    const results: CheckResult[] = [];
    for (const c of ROPE_CASES) {
      const { b, h, t, d } = c.shape;
      const x = rng.float32(b * h * t * d, { uniform: [-c.scale, c.scale] });
      const positions = makePositions(c, rng);
      const tol = { ...TOL, scale: maxAbs(x) };
      for (const inverse of [false, true]) {
        const s = { ...c.shape, inverse };
        const expected = ropeCpu(x, positions, s);
        const actual = await ropeGpu(ctx, x, positions, s, options);
        results.push(...compareOutputs('rope', c.name, { [inverse ? 'inverse' : 'out']: [actual, expected] }, tol));
      }
    }
    return results;
  },
};
