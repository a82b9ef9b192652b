// Canonical correlation analysis between a learned basis (rows: items, cols: d) and the planted
// axes (cols: a): the canonical correlations, and per axis the multiple correlation of that axis
// with the best linear combination of the basis (R of the least-squares regression of the axis on
// the basis). Both are invariant to any invertible linear map of the basis, which is all a
// reward vector r(x) with free weights w_p is identified up to (w_p · r = (A⁻ᵀw_p) · (A r)).
import { cholesky, cholSolve, forwardSolve, symmetricEigenvalues } from './linalg';

function centered(M: Float64Array, rows: number, cols: number): Float64Array {
  const out = Float64Array.from(M);
  for (let k = 0; k < cols; k++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m += M[r * cols + k];
    m /= rows;
    for (let r = 0; r < rows; r++) out[r * cols + k] -= m;
  }
  return out;
}

function crossProduct(A: Float64Array, ca: number, B: Float64Array, cb: number, rows: number): Float64Array {
  const out = new Float64Array(ca * cb);
  for (let r = 0; r < rows; r++) for (let i = 0; i < ca; i++) for (let j = 0; j < cb; j++) out[i * cb + j] += A[r * ca + i] * B[r * cb + j];
  return out;
}

export interface CcaResult {
  /** Descending, min(d, a) of them. */
  canonical: number[];
  /** Per axis (column of Y): multiple correlation with X. */
  perAxis: number[];
}

/** X [rows × d], Y [rows × a]; columns of Y that never vary get correlation NaN. `ridge` keeps Cxx invertible. */
export function cca(X: Float64Array, d: number, Y: Float64Array, a: number, rows: number, ridge = 1e-9): CcaResult {
  const Xc = centered(X, rows, d);
  const Yc = centered(Y, rows, a);
  const Cxx = crossProduct(Xc, d, Xc, d, rows);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += Cxx[i * d + i];
  for (let i = 0; i < d; i++) Cxx[i * d + i] += ridge * (trace / d || 1);
  const Cyy = crossProduct(Yc, a, Yc, a, rows);
  const Cxy = crossProduct(Xc, d, Yc, a, rows);
  const Lx = cholesky(Cxx, d);
  const perAxis: number[] = [];
  const live: number[] = [];
  for (let k = 0; k < a; k++) {
    const c = Float64Array.from({ length: d }, (_, i) => Cxy[i * a + k]);
    const yy = Cyy[k * a + k];
    if (!(yy > 0)) {
      perAxis.push(NaN);
      continue;
    }
    live.push(k);
    const s = cholSolve(Lx, d, c);
    let r2 = 0;
    for (let i = 0; i < d; i++) r2 += c[i] * s[i];
    perAxis.push(Math.sqrt(Math.max(0, Math.min(1, r2 / yy))));
  }
  // Canonical correlations over the axes that vary: singular values of Lx⁻¹ Cxy Ly⁻ᵀ.
  const m = live.length;
  const CyyLive = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) CyyLive[i * m + j] = Cyy[live[i] * a + live[j]];
  const Ly = cholesky(CyyLive, m);
  // K = Lx⁻¹ Cxy[:, live] Ly⁻ᵀ, computed column by column of (Ly⁻¹ Cxyᵀ) then rows by Lx⁻¹.
  const T = new Float64Array(d * m); // Lx⁻¹ Cxy_live
  for (let j = 0; j < m; j++) {
    const col = forwardSolve(Lx, d, Float64Array.from({ length: d }, (_, i) => Cxy[i * a + live[j]]));
    for (let i = 0; i < d; i++) T[i * m + j] = col[i];
  }
  const K = new Float64Array(d * m); // T Ly⁻ᵀ: each row t solves Ly z = tᵀ
  for (let i = 0; i < d; i++) {
    const row = forwardSolve(Ly, m, T.slice(i * m, (i + 1) * m));
    K.set(row, i * m);
  }
  const KKt = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < m; k++) KKt[i * d + j] += K[i * m + k] * K[j * m + k];
  const eig = symmetricEigenvalues(KKt, d);
  const canonical = Array.from(eig.slice(0, Math.min(d, m)), (v) => Math.sqrt(Math.max(0, Math.min(1, v))));
  return { canonical, perAxis };
}
