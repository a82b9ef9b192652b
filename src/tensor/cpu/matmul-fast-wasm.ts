// Emits, byte by byte, the WebAssembly SIMD micro-kernel of the CPU fast matmul. Generated at
// run time from this source, so there is no binary to commit and nothing to build; the module is
// well under a kilobyte, small enough for synchronous compilation even on a browser main thread.
//
// kernel(ap, bp, cp, mPanels, nPanels, k, ldc):
//   A is packed as mPanels panels of MR rows, each [k][MR] floats (row r of step p at p*MR + r);
//   B as nPanels panels of NR = 4*NV columns, each [k][NR]; C is row-major with ldc floats per row
//   (ldc >= nPanels*NR), written (not accumulated) for every MR x NR tile. Pointers are byte
//   offsets into the imported memory `env.mem`. Requires k >= 1. With `shared`, that memory is a
//   shared WebAssembly.Memory (at most SHARED_MAX_PAGES) used by every thread of the cpu backend's
//   pool (./thread-pool.ts); the code is the same, so each tile's sums are the same bits.
// Each tile keeps MR*NV four-float accumulators in locals (registers): per step p it loads NV
// vectors of B, broadcasts each of the MR values of A, and does MR*NV multiply-adds on vectors:
// f32x4.mul then f32x4.add, or one f32x4.relaxed_madd (relaxed SIMD: a fused multiply-add on
// x86 with FMA and on ARM, twice the work per instruction) where the runtime validates it
// (Chrome; Node with --experimental-wasm-relaxed-simd, which the CLI sets). Every thread of a
// process compiles the same variant, so threads never change a result's bits.

export const I32 = 0x7f;
export const V128 = 0x7b;

export const op = {
  loop: 0x03,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  simd: 0xfd,
} as const;

export const simd = { shuffle: 0x0d, load: 0x00, load32Splat: 0x09, store: 0x0b, const: 0x0c, f32x4Add: 0xe4, f32x4Mul: 0xe6, f32x4RelaxedMadd: 0x105 } as const;

export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export interface MicroKernelSize {
  /** Rows of A per tile. */
  MR: number;
  /** Four-float vectors of B per tile row (NR = 4 * NV columns). */
  NV: number;
}

/** f32x4.relaxed_madd(a, b, c) = a*b + c on three constant vectors: does this runtime have it? */
const RELAXED_PROBE = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type () -> ()
  ...[0x03, 0x02, 0x01, 0x00],
  ...[0x0a, 0x3e, 0x01, 0x3c, 0x00], // code section: one body of 60 bytes, no locals
  ...[0xfd, 0x0c, ...new Array(16).fill(0)],
  ...[0xfd, 0x0c, ...new Array(16).fill(0)],
  ...[0xfd, 0x0c, ...new Array(16).fill(0)],
  ...[0xfd, 0x85, 0x02, 0x1a, 0x0b], // relaxed_madd, drop, end
]);

let relaxed: boolean | undefined;

/** Whether the kernel can use relaxed SIMD's fused multiply-add here (checked once). */
export function relaxedSimdSupported(): boolean {
  if (relaxed === undefined) {
    try {
      relaxed = typeof WebAssembly !== 'undefined' && WebAssembly.validate(RELAXED_PROBE);
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}

export const DEFAULT_MICRO_KERNEL: MicroKernelSize = { MR: 4, NV: 2 };

/** The largest shared memory the threaded kernel imports (2 GiB: byte offsets stay positive i32). */
export const SHARED_MAX_PAGES = 32768;

/**
 * How a step reads A's MR values: 'splat', one load32_splat per row; 'vector' (MR = 4 only), one
 * v128 load of the step's 4 values and a lane shuffle per row. Both give every multiply-add the
 * same operands, so the same bits. V8 runs memory accesses of a shared memory slower (measured:
 * the same kernel 7% slower per CPU-second on a shared memory); 'vector' makes 3 accesses per step
 * instead of 6 and is the faster one there (50-51 against 47 GFLOP/s per CPU-second at 1024),
 * 'splat' on a plain memory (52 against 50).
 */
export type ALoad = 'splat' | 'vector';

/** The A load the threaded (shared) or single-thread (plain) kernel uses. */
export function defaultALoad(size: MicroKernelSize, shared: boolean): ALoad {
  return shared && size.MR === 4 ? 'vector' : 'splat';
}

/** The module's bytes for one micro-kernel size; `shared`: it imports a shared memory; `fma`: it
 * multiplies-adds with relaxed_madd (only where relaxedSimdSupported()). */
export function matmulKernelWasm({ MR, NV }: MicroKernelSize = DEFAULT_MICRO_KERNEL, shared = false, fma = false, aLoad: ALoad = defaultALoad({ MR, NV }, shared)): Uint8Array<ArrayBuffer> {
  if (aLoad === 'vector' && MR !== 4) throw new RangeError(`matmul kernel: the vector A load needs MR = 4, got ${MR}`);
  const NR = 4 * NV;
  // Parameters 0..6, then i32 locals, then v128 locals.
  const [AP, BP, CP, MPANELS, NPANELS, K, LDC] = [0, 1, 2, 3, 4, 5, 6];
  const [IP, JP, P, APTR, BPTR, CPTR, BPANEL] = [7, 8, 9, 10, 11, 12, 13];
  const numI32 = 7;
  const firstV = 7 + numI32;
  const ACC = (r: number, v: number) => firstV + r * NV + v;
  const BV = (v: number) => firstV + MR * NV + v;
  const AV = firstV + MR * NV + NV;
  const AVEC = AV + 1;
  const numV128 = MR * NV + NV + 2;

  const get = (i: number) => [op.localGet, ...uleb(i)];
  const set = (i: number) => [op.localSet, ...uleb(i)];
  const c = (v: number) => [op.i32Const, ...sleb(v)];
  const s = (code: number, ...imm: number[]) => [op.simd, ...uleb(code), ...imm];
  const memarg = (alignLog2: number, offset: number) => [alignLog2, ...uleb(offset)];

  const body: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) body.push(...p);
  };

  // bpanel = 0; jp = nPanels
  emit(get(BP), set(BPANEL), get(NPANELS), set(JP));
  emit([op.loop, 0x40]); // for each panel of B
  {
    // aptr = ap; ip = mPanels; cptr = cp + (nPanels - jp) * NR * 4
    emit(get(AP), set(APTR), get(MPANELS), set(IP));
    emit(get(CP), get(NPANELS), get(JP), [op.i32Sub], c(NR * 4), [op.i32Mul], [op.i32Add], set(CPTR));
    emit([op.loop, 0x40]); // for each panel of A
    {
      for (let r = 0; r < MR; r++) for (let v = 0; v < NV; v++) emit(s(simd.const, ...new Array(16).fill(0)), set(ACC(r, v)));
      emit(get(BPANEL), set(BPTR), get(K), set(P));
      emit([op.loop, 0x40]); // for p in 0..k
      {
        for (let v = 0; v < NV; v++) emit(get(BPTR), s(simd.load, ...memarg(4, 16 * v)), set(BV(v)));
        for (let r = 0; r < MR; r++) {
          if (aLoad === 'splat') emit(get(APTR), s(simd.load32Splat, ...memarg(2, 4 * r)), set(AV));
          else {
            if (r === 0) emit(get(APTR), s(simd.load, ...memarg(2, 0)), set(AVEC));
            // i8x16.shuffle taking lane r's 4 bytes into every lane.
            const lanes = [0, 1, 2, 3].flatMap(() => [0, 1, 2, 3].map((b) => 4 * r + b));
            emit(get(AVEC), get(AVEC), s(simd.shuffle, ...lanes), set(AV));
          }
          for (let v = 0; v < NV; v++) {
            if (fma) emit(get(AV), get(BV(v)), get(ACC(r, v)), s(simd.f32x4RelaxedMadd), set(ACC(r, v)));
            else emit(get(ACC(r, v)), get(AV), get(BV(v)), s(simd.f32x4Mul), s(simd.f32x4Add), set(ACC(r, v)));
          }
        }
        emit(get(APTR), c(MR * 4), [op.i32Add], set(APTR));
        emit(get(BPTR), c(NR * 4), [op.i32Add], set(BPTR));
        emit(get(P), c(1), [op.i32Sub], [op.localTee, ...uleb(P)], [op.brIf, 0]);
      }
      emit([op.end]);
      // Store the tile: row r at cptr + r * ldc * 4.
      for (let r = 0; r < MR; r++) {
        for (let v = 0; v < NV; v++) {
          emit(get(CPTR));
          if (r > 0) emit(get(LDC), c(r * 4), [op.i32Mul], [op.i32Add]);
          emit(get(ACC(r, v)), s(simd.store, ...memarg(4, 16 * v)));
        }
      }
      // cptr += MR * ldc * 4; next panel of A
      emit(get(CPTR), get(LDC), c(MR * 4), [op.i32Mul], [op.i32Add], set(CPTR));
      emit(get(IP), c(1), [op.i32Sub], [op.localTee, ...uleb(IP)], [op.brIf, 0]);
    }
    emit([op.end]);
    emit(get(BPANEL), get(K), c(NR * 4), [op.i32Mul], [op.i32Add], set(BPANEL));
    emit(get(JP), c(1), [op.i32Sub], [op.localTee, ...uleb(JP)], [op.brIf, 0]);
  }
  emit([op.end]);
  emit([op.end]); // function body

  const locals = vec([
    [...uleb(numI32), I32],
    [...uleb(numV128), V128],
  ]);
  const func = [...locals, ...body];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(new Array(7).fill([I32])), ...vec([])]])),
    // Memory import limits: flags 0 (min only), or 3 (shared, with a maximum, which sharing requires).
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, ...(shared ? [0x03, 0x00, ...uleb(SHARED_MAX_PAGES)] : [0x00, 0x00])]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...name('kernel'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(func.length), ...func]])),
  ];
  return Uint8Array.from(bytes);
}
