// Emits, byte by byte, the WebAssembly module that packs the cpu matmul's operands into the
// micro-kernel's panels (the layout of ./pack-panels.ts, which stays the reference and handles
// the last, partial panel), for operands already copied into the kernel's memory. Packing in JS
// read and wrote one float per step of a typed-array loop: 1.9 ms for B and 3.2 ms for A of a
// 1024 product, about 11% of it on one thread and, on the pool, serial work of the caller that
// the other threads waited for. A copy into the memory (one memcpy) and this loop take a fraction.
//
// Panel q of width W holds P(p, c) for p < k, c in [qW, qW + W), laid out [p][W], where
// P(p, c) = src[p*rs + c*cs] (byte strides). Two functions, both over `panels` full panels:
//   contig(src, rs, dst, k, panels, dstStride): cs = 4 (a row of W floats is adjacent): W/4
//       vector loads and stores per step (B row-major, A transposed); panel q's k steps go to
//       dst + q*dstStride, so a caller can pack a block of steps of every panel at a time;
//   strided(src, rs, cs, dst, k, panels): any cs, one float at a time (A row-major, B
//       transposed), panels one after the other.
// Requires k >= 1 and panels >= 1. Copying floats changes no bits: the kernel sees the same panels.
import { I32, name, op, section, SHARED_MAX_PAGES, simd, sleb, uleb, vec } from './matmul-fast-wasm';

const f32Load = 0x2a;
const f32Store = 0x38;

export type PackFn = (...args: number[]) => void;

/** One instance of the module, on the memory it packs into. */
export interface PanelPacker {
  contig: PackFn;
  strided: PackFn;
}

export function instantiatePacker(module: WebAssembly.Module, memory: WebAssembly.Memory): PanelPacker {
  const e = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
  return { contig: e.contig as PackFn, strided: e.strided as PackFn };
}

/** The module's bytes for panels of width W; `shared`: it imports a shared memory (the pool's). */
export function packPanelsWasm(W: number, shared = false): Uint8Array<ArrayBuffer> {
  const get = (i: number) => [op.localGet, ...uleb(i)];
  const set = (i: number) => [op.localSet, ...uleb(i)];
  const c = (v: number) => [op.i32Const, ...sleb(v)];
  const add = [op.i32Add];
  const countDown = (i: number) => [...get(i), ...c(1), op.i32Sub, op.localTee, ...uleb(i), op.brIf, 0];

  // contig: params SRC, RS, DST, K, PANELS, DSTRIDE; locals SP, S, P, DP, D.
  const contig: number[] = [];
  {
    const [SRC, RS, DST, K, PANELS, DSTRIDE, SP, S, P, DP, D] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    contig.push(...get(SRC), ...set(SP), ...get(DST), ...set(DP), op.loop, 0x40);
    contig.push(...get(SP), ...set(S), ...get(DP), ...set(D), ...get(K), ...set(P), op.loop, 0x40);
    for (let v = 0; v < Math.floor(W / 4); v++) {
      contig.push(...get(D), ...get(S), op.simd, ...uleb(simd.load), 4, ...uleb(16 * v), op.simd, ...uleb(simd.store), 4, ...uleb(16 * v));
    }
    for (let e = 4 * Math.floor(W / 4); e < W; e++) contig.push(...get(D), ...get(S), f32Load, 2, ...uleb(4 * e), f32Store, 2, ...uleb(4 * e));
    contig.push(...get(S), ...get(RS), ...add, ...set(S), ...get(D), ...c(4 * W), ...add, ...set(D));
    contig.push(...countDown(P), op.end);
    contig.push(...get(SP), ...c(4 * W), ...add, ...set(SP), ...get(DP), ...get(DSTRIDE), ...add, ...set(DP), ...countDown(PANELS), op.end, op.end);
  }
  // strided: params SRC, RS, CS, DST, K, PANELS; locals SP, S, P, PSTEP, OFF(e) = e*cs for 1 <= e < W.
  const strided: number[] = [];
  {
    const [SRC, RS, CS, DST, K, PANELS, SP, S, P, PSTEP] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const OFF = (e: number) => 10 + e - 1;
    for (let e = 1; e < W; e++) strided.push(...get(CS), ...c(e), op.i32Mul, ...set(OFF(e)));
    strided.push(...get(CS), ...c(W), op.i32Mul, ...set(PSTEP));
    strided.push(...get(SRC), ...set(SP), op.loop, 0x40);
    strided.push(...get(SP), ...set(S), ...get(K), ...set(P), op.loop, 0x40);
    for (let e = 0; e < W; e++) {
      strided.push(...get(DST), ...get(S));
      if (e > 0) strided.push(...get(OFF(e)), ...add);
      strided.push(f32Load, 2, 0, f32Store, 2, ...uleb(4 * e));
    }
    strided.push(...get(S), ...get(RS), ...add, ...set(S), ...get(DST), ...c(4 * W), ...add, ...set(DST));
    strided.push(...countDown(P), op.end);
    strided.push(...get(SP), ...get(PSTEP), ...add, ...set(SP), ...countDown(PANELS), op.end, op.end);
  }
  const fn = (locals: number, code: number[]) => {
    const f = [...vec([[...uleb(locals), I32]]), ...code];
    return [...uleb(f.length), ...f];
  };
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(new Array(6).fill([I32])), ...vec([])]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, ...(shared ? [0x03, 0x00, ...uleb(SHARED_MAX_PAGES)] : [0x00, 0x00])]])),
    ...section(3, vec([[0x00], [0x00]])),
    ...section(7, vec([[...name('contig'), 0x00, 0x00], [...name('strided'), 0x00, 0x01]])),
    ...section(10, vec([fn(5, contig), fn(4 + W - 1, strided)])),
  ];
  return Uint8Array.from(bytes);
}
