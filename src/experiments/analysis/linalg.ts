// Small dense linear algebra on row-major Float64Arrays (n up to a few dozen): Cholesky
// factorization and solves for the few-shot Newton steps and priors, and a Jacobi eigensolver
// for canonical correlations.

export class NotPositiveDefiniteError extends Error {
  override name = 'NotPositiveDefiniteError';
}

/** Lower-triangular L with A = L Lᵀ (A symmetric positive definite, n × n). */
export function cholesky(A: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new NotPositiveDefiniteError(`matrix is not positive definite (pivot ${i} = ${s}); add a ridge`);
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  return L;
}

/** Solves L y = b (forward) in place. */
export function forwardSolve(L: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * b[k];
    b[i] = s / L[i * n + i];
  }
  return b;
}

/** Solves Lᵀ x = y (backward) in place. */
export function backwardSolve(L: Float64Array, n: number, y: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * y[k];
    y[i] = s / L[i * n + i];
  }
  return y;
}

/** x with A x = b, A = L Lᵀ. */
export function cholSolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return backwardSolve(L, n, forwardSolve(L, n, Float64Array.from(b)));
}

export function inverseSpd(A: Float64Array, n: number): Float64Array {
  const L = cholesky(A, n);
  const out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const x = cholSolve(L, n, e);
    for (let i = 0; i < n; i++) out[i * n + j] = x[i];
  }
  return out;
}

/** Eigenvalues of a symmetric n × n matrix (cyclic Jacobi), descending. */
export function symmetricEigenvalues(A: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(A);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: n }, (_, i) => a[i * n + i]).sort((x, y) => y - x);
}

/** Mean [cols] and covariance [cols × cols] of the rows of M [rows × cols]. */
export function meanCovariance(M: Float64Array, rows: number, cols: number): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) mean[k] += M[r * cols + k] / rows;
  const cov = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < cols; i++) {
      const di = M[r * cols + i] - mean[i];
      for (let j = 0; j < cols; j++) cov[i * cols + j] += (di * (M[r * cols + j] - mean[j])) / Math.max(1, rows - 1);
    }
  return { mean, cov };
}

/** Removes each group's mean from every column of a [rows × cols] matrix. */
export function demeanBy(M: Float64Array, rows: number, cols: number, group: readonly number[]): void {
  const sums = new Map<number, { s: Float64Array; n: number }>();
  for (let r = 0; r < rows; r++) {
    let e = sums.get(group[r]);
    if (!e) sums.set(group[r], (e = { s: new Float64Array(cols), n: 0 }));
    e.n++;
    for (let k = 0; k < cols; k++) e.s[k] += M[r * cols + k];
  }
  for (let r = 0; r < rows; r++) {
    const e = sums.get(group[r])!;
    for (let k = 0; k < cols; k++) M[r * cols + k] -= e.s[k] / e.n;
  }
}
