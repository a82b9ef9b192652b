// Emits, byte by byte, the WebAssembly SIMD kernel of the cpu matmul's few-rows path
// (./matmul-rows.ts): C = A @ B^T with A a handful of rows and B read as stored, [n, k] row-major,
// so decoding never packs a weight matrix (the packed path's panels of a 513 MiB model do not fit
// the packed-operand cache, so it packed every weight at every step). Dot products run over
// contiguous k, four floats at a time. Same byte helpers as the tile kernel (./matmul-fast-wasm.ts).
//
// rowsRA(ap, bp, cp, mGroups, nGroups, k4, ldc), RA = 1 or 2 rows of A per group:
//   A rows at ap + i * k4 * 16, B rows at bp + j * k4 * 16 (rows zero-padded to k4 vectors of 4
//   floats, k4 >= 1), C[i][j] at cp + (i * ldc + j) * 4, written (not accumulated) for i < RA *
//   mGroups and j < 4 * nGroups. Each group of RA rows of A against 4 rows of B keeps 4 * RA
//   four-float partial sums in locals; each is summed across its lanes at the end.
import { I32, name, op, relaxedSimdSupported, section, SHARED_MAX_PAGES, simd, sleb, uleb, V128, vec } from './matmul-fast-wasm';

const extractLane = 0x1f;
const f32Add = 0x92;
const f32Store = 0x38;

/** Rows of A per group in each exported function, by its name. */
export const ROWS_KERNELS = { rows1: 1, rows2: 2 } as const;

function body(RA: number, fma: boolean): number[] {
  const [AP, BP, CP, MGROUPS, NGROUPS, K4, LDC] = [0, 1, 2, 3, 4, 5, 6];
  // i32 locals: loop counters, the row stride in bytes, group pointers, per-row pointers.
  const [JG, IG, P, ROWB, BROW, AROW, CCOL, CROW] = [7, 8, 9, 10, 11, 12, 13, 14];
  const PB = (q: number) => 15 + q;
  const PA = (r: number) => 19 + r;
  const numI32 = 12 + RA;
  const firstV = 7 + numI32;
  const ACC = (r: number, q: number) => firstV + r * 4 + q;
  const BV = (q: number) => firstV + RA * 4 + q;
  const AV = firstV + RA * 4 + 4;
  const numV128 = RA * 4 + 5;

  const get = (i: number) => [op.localGet, ...uleb(i)];
  const set = (i: number) => [op.localSet, ...uleb(i)];
  const c = (v: number) => [op.i32Const, ...sleb(v)];
  const s = (code: number, ...imm: number[]) => [op.simd, ...uleb(code), ...imm];
  const add = [op.i32Add];
  const out: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) out.push(...p);
  };
  const countDown = (i: number) => emit(get(i), c(1), [op.i32Sub], [op.localTee, ...uleb(i)], [op.brIf, 0]);

  // rowb = k4 * 16; brow = bp; ccol = cp; jg = nGroups
  emit(get(K4), c(16), [op.i32Mul], set(ROWB), get(BP), set(BROW), get(CP), set(CCOL), get(NGROUPS), set(JG));
  emit([op.loop, 0x40]); // for each group of 4 rows of B
  {
    emit(get(AP), set(AROW), get(CCOL), set(CROW), get(MGROUPS), set(IG));
    emit([op.loop, 0x40]); // for each group of RA rows of A
    {
      for (let r = 0; r < RA; r++) for (let q = 0; q < 4; q++) emit(s(simd.const, ...new Array(16).fill(0)), set(ACC(r, q)));
      for (let q = 0; q < 4; q++) emit(get(BROW), ...(q > 0 ? [get(ROWB), c(q), [op.i32Mul], add] : []), set(PB(q)));
      for (let r = 0; r < RA; r++) emit(get(AROW), ...(r > 0 ? [get(ROWB), c(r), [op.i32Mul], add] : []), set(PA(r)));
      emit(get(K4), set(P));
      emit([op.loop, 0x40]); // for each 4 floats of k
      {
        for (let q = 0; q < 4; q++) emit(get(PB(q)), s(simd.load, 4, 0), set(BV(q)));
        for (let r = 0; r < RA; r++) {
          emit(get(PA(r)), s(simd.load, 4, 0), set(AV));
          for (let q = 0; q < 4; q++) {
            if (fma) emit(get(AV), get(BV(q)), get(ACC(r, q)), s(simd.f32x4RelaxedMadd), set(ACC(r, q)));
            else emit(get(ACC(r, q)), get(AV), get(BV(q)), s(simd.f32x4Mul), s(simd.f32x4Add), set(ACC(r, q)));
          }
        }
        for (let q = 0; q < 4; q++) emit(get(PB(q)), c(16), add, set(PB(q)));
        for (let r = 0; r < RA; r++) emit(get(PA(r)), c(16), add, set(PA(r)));
        countDown(P);
      }
      emit([op.end]);
      // C[i + r][j + q] = the lanes of acc(r, q) summed.
      for (let r = 0; r < RA; r++) {
        for (let q = 0; q < 4; q++) {
          emit(get(CROW));
          if (r > 0) emit(get(LDC), c(r * 4), [op.i32Mul], add);
          emit(get(ACC(r, q)), s(extractLane, 0), get(ACC(r, q)), s(extractLane, 1), [f32Add]);
          emit(get(ACC(r, q)), s(extractLane, 2), get(ACC(r, q)), s(extractLane, 3), [f32Add], [f32Add]);
          emit([f32Store, 2, ...uleb(4 * q)]);
        }
      }
      emit(get(AROW), get(ROWB), c(RA), [op.i32Mul], add, set(AROW));
      emit(get(CROW), get(LDC), c(RA * 4), [op.i32Mul], add, set(CROW));
      countDown(IG);
    }
    emit([op.end]);
    emit(get(BROW), get(ROWB), c(4), [op.i32Mul], add, set(BROW));
    emit(get(CCOL), c(16), add, set(CCOL));
    countDown(JG);
  }
  emit([op.end]);
  emit([op.end]); // function body
  const locals = vec([
    [...uleb(numI32), I32],
    [...uleb(numV128), V128],
  ]);
  return [...locals, ...out];
}

/** The module's bytes: functions rows1 and rows2 over an imported memory `env.mem`; `fma`:
 * multiply-adds with relaxed_madd (only where relaxedSimdSupported()); `shared`: the memory is the
 * cpu thread pool's shared one (./thread-pool.ts), as the tile kernel's. */
export function matmulRowsWasm(fma = relaxedSimdSupported(), shared = false): Uint8Array<ArrayBuffer> {
  const kernels = Object.entries(ROWS_KERNELS);
  const funcs = kernels.map(([, ra]) => body(ra, fma));
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(new Array(7).fill([I32])), ...vec([])]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, ...(shared ? [0x03, 0x00, ...uleb(SHARED_MAX_PAGES)] : [0x00, 0x00])]])),
    ...section(3, vec(kernels.map(() => [0x00]))),
    ...section(7, vec(kernels.map(([n], i) => [...name(n), 0x00, i]))),
    ...section(10, vec(funcs.map((f) => [...uleb(f.length), ...f]))),
  ];
  return Uint8Array.from(bytes);
}
