// The shape contract of matmul, shared by the CPU reference, the fast CPU path and the WGSL
// kernel: validation (errors name both operands and the op) and the element strides that turn
// the transpose/broadcast flags into index arithmetic.

/**
 * out[b] = op(A[b]) @ op(B[b]) for b < batch, all row-major f32.
 * A is [batch, m, k], or [batch, k, m] when transA. B is [batch, k, n], or [batch, n, k] when
 * transB; with broadcastB, B has no batch dimension and every batch uses the same B (broadcastA
 * likewise for A; backward rules need it). out is [batch, m, n].
 */
export interface MatmulShape {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  broadcastB?: boolean;
  broadcastA?: boolean;
}

export class MatmulShapeError extends RangeError {
  override name = 'MatmulShapeError';
}

/** Element strides: A(b, i, p) = a[b*batchA + i*rowA + p*colA]; B(b, p, j) likewise. */
export interface MatmulStrides {
  batchA: number;
  rowA: number;
  colA: number;
  batchB: number;
  rowB: number;
  colB: number;
}

export function describeA(s: MatmulShape): string {
  const dims = s.transA ? `${s.k}, ${s.m}` : `${s.m}, ${s.k}`;
  return `${s.broadcastA ? `[${dims}] (broadcast)` : `[${s.batch}, ${dims}]`}${s.transA ? ' (transposed)' : ''}`;
}

export function describeB(s: MatmulShape): string {
  const dims = s.transB ? `${s.n}, ${s.k}` : `${s.k}, ${s.n}`;
  return `${s.broadcastB ? `[${dims}] (broadcast)` : `[${s.batch}, ${dims}]`}${s.transB ? ' (transposed)' : ''}`;
}

export function matmulLengths(s: MatmulShape): { a: number; b: number; out: number } {
  return { a: (s.broadcastA ? 1 : s.batch) * s.m * s.k, b: (s.broadcastB ? 1 : s.batch) * s.k * s.n, out: s.batch * s.m * s.n };
}

/** Throws MatmulShapeError when the shape is not a valid one or the lengths do not match it. */
export function checkMatmul(s: MatmulShape, aLength: number, bLength: number, outLength?: number): void {
  for (const key of ['batch', 'm', 'n', 'k'] as const) {
    const v = s[key];
    if (!Number.isInteger(v) || v < 0) throw new MatmulShapeError(`matmul: ${key} must be a non-negative integer, got ${v}`);
  }
  const want = matmulLengths(s);
  if (aLength !== want.a || bLength !== want.b) {
    throw new MatmulShapeError(
      `matmul: A has ${aLength} elements and B has ${bLength}, but shape A ${describeA(s)} @ B ${describeB(s)} ` +
        `needs ${want.a} and ${want.b}`,
    );
  }
  if (outLength !== undefined && outLength < want.out) {
    throw new MatmulShapeError(`matmul: out has ${outLength} elements but [${s.batch}, ${s.m}, ${s.n}] needs ${want.out}`);
  }
}

export function matmulStrides(s: MatmulShape): MatmulStrides {
  return {
    batchA: s.broadcastA ? 0 : s.m * s.k,
    rowA: s.transA ? 1 : s.k,
    colA: s.transA ? s.m : 1,
    batchB: s.broadcastB ? 0 : s.k * s.n,
    rowB: s.transB ? 1 : s.n,
    colB: s.transB ? s.k : 1,
  };
}

/** Floating-point operations of one product (a multiply and an add per term). */
export function matmulFlops(s: MatmulShape): number {
  return 2 * s.batch * s.m * s.n * s.k;
}
