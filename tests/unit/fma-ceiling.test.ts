// The bench's WASM SIMD ceiling loop (src/tensor/cpu/fma-ceiling-wasm.ts) really does the
// multiply-adds it is credited with: each iteration adds a*b to every accumulator, so the sum it
// returns grows by ACC*a*b per iteration (computed here in f32, as the loop's mul + add does).
import { describe, expect, it } from 'vitest';
import { CEILING_ACCUMULATORS, fmaCeilingWasm } from '../../src/tensor/cpu/fma-ceiling-wasm';
import { relaxedSimdSupported } from '../../src/tensor/cpu/matmul-fast-wasm';

function ceiling(fma: boolean): (iterations: number) => number {
  return new WebAssembly.Instance(new WebAssembly.Module(fmaCeilingWasm(fma))).exports.run as (iterations: number) => number;
}

/** The loop in f32: accumulator i starts at i and gains fround(a*b) per iteration. */
function reference(iterations: number): number {
  const f = Math.fround;
  const ab = f(f(1.0000001) * f(0.9999999));
  const acc = Array.from({ length: CEILING_ACCUMULATORS }, (_, i) => i);
  for (let t = 0; t < iterations; t++) for (let i = 0; i < acc.length; i++) acc[i] = f(acc[i] + ab);
  return acc.reduce((s, x) => f(s + x));
}

describe('the WASM SIMD FMA ceiling loop', () => {
  it('runs the given number of iterations of multiply-adds on every accumulator (mul + add)', () => {
    const run = ceiling(false);
    for (const n of [1, 2, 7, 1000]) expect(run(n), `${n} iterations`).toBe(reference(n));
  });

  // Node 20 has relaxed SIMD only behind a flag (the CLI sets it; vitest does not): skipped there.
  it.skipIf(!relaxedSimdSupported())('does the same with the fused multiply-add (relaxed SIMD)', () => {
    const run = ceiling(true);
    for (const n of [1, 7, 1000]) expect(run(n)).toBeCloseTo(reference(n), 3);
  });
});
