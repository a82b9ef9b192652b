// The ceiling of 128-bit WebAssembly SIMD on one thread, for `npm run bench`: a loop of nothing
// but independent four-float multiply-adds on registers (no memory, no loads), emitted with the
// matmul kernel's own helpers and instruction (relaxed_madd where the kernel uses it, else
// f32x4.mul + f32x4.add), so "our matmul / this" is the share of what the engine can issue that
// the kernel reaches, and "this / native sgemm" what 4-lane SIMD can reach at best on this CPU.
// ACC accumulators: enough to cover a multiply-add's latency on both FMA units (4 cycles x 2),
// few enough to stay in the 15 vector registers V8 allocates on x64 (measured: 10-12 best).
import { I32, name, op, section, simd, sleb, uleb, V128, vec } from './matmul-fast-wasm';

export const CEILING_ACCUMULATORS = 12;

/** Flops of one loop iteration: ACC vectors of 4 lanes, a multiply and an add each. */
export const CEILING_FLOPS_PER_ITERATION = CEILING_ACCUMULATORS * 4 * 2;

/** Module exporting `run(iterations) -> f32` (the sum of the accumulators, so nothing is dead). */
export function fmaCeilingWasm(fma: boolean, acc = CEILING_ACCUMULATORS): Uint8Array<ArrayBuffer> {
  const N = 0;
  const first = 1;
  const [B, A] = [first + acc, first + acc + 1];
  const get = (i: number) => [op.localGet, ...uleb(i)];
  const set = (i: number) => [op.localSet, ...uleb(i)];
  const s = (code: number, ...imm: number[]) => [op.simd, ...uleb(code), ...imm];
  const splat = (v: number) => s(simd.const, ...new Uint8Array(new Float32Array([v, v, v, v]).buffer));
  // Factors near 1 keep the sums finite and normal for any count.
  const body = [...splat(1.0000001), ...set(A), ...splat(0.9999999), ...set(B)];
  for (let i = 0; i < acc; i++) body.push(...splat(i), ...set(first + i));
  body.push(op.loop, 0x40);
  for (let i = 0; i < acc; i++) {
    if (fma) body.push(...get(A), ...get(B), ...get(first + i), ...s(simd.f32x4RelaxedMadd), ...set(first + i));
    else body.push(...get(first + i), ...get(A), ...get(B), ...s(simd.f32x4Mul), ...s(simd.f32x4Add), ...set(first + i));
  }
  body.push(...get(N), op.i32Const, ...sleb(1), op.i32Sub, op.localTee, ...uleb(N), op.brIf, 0, op.end);
  body.push(...get(first));
  for (let i = 1; i < acc; i++) body.push(...get(first + i), ...s(simd.f32x4Add));
  body.push(...s(0x1f, 0), op.end); // f32x4.extract_lane 0
  const func = [...vec([[...uleb(acc + 2), V128]]), ...body];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec([[I32]]), ...vec([[0x7d]])]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...name('run'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(func.length), ...func]])),
  ]);
}
