// The cpu backend's attention, forward and backward: the math of the CPU reference (attentionCpu
// and attentionBackwardCpu in ../kernels/attention.ts) computed per (batch, head) as dense
// products on the fast matmul (./matmul-fast.ts): scores = q k^T, probabilities row by row,
// out = p v; the backward recomputes p from the forward's lse and runs dq, dk, dv as products.
// The reference visits keys one by one in double precision and made attention ~60% of a small
// Llama's CPU training step; this agrees with it to float32 rounding (tests/unit/attention-fast).
// Causal products are computed in full and the future half discarded: cheaper than skipping it.
import type { AttentionShape, KeyMask } from '../kernels/attention';
import { matmulFast } from './matmul-fast';

interface Layout {
  /** q/out strides: batch, head, time. */
  qb: number;
  qh: number;
  qt: number;
  /** k/v strides: batch, head, time. */
  kb: number;
  kh: number;
  kt: number;
}

function layout(s: AttentionShape): Layout {
  const cap = s.kvCapacity ?? s.s;
  if (s.layout === 'BTHD') return { qb: s.t * s.hq * s.d, qh: s.d, qt: s.hq * s.d, kb: cap * s.hkv * s.d, kh: s.d, kt: s.hkv * s.d };
  return { qb: s.hq * s.t * s.d, qh: s.t * s.d, qt: s.d, kb: s.hkv * cap * s.d, kh: cap * s.d, kt: s.d };
}

/** Copies `rows` rows of length d, `stride` apart from `base`, into a dense [rows, d] array. */
function gather(src: Float32Array, base: number, stride: number, rows: number, d: number, dst: Float32Array): Float32Array {
  for (let r = 0; r < rows; r++) dst.set(src.subarray(base + r * stride, base + r * stride + d), r * d);
  return dst;
}

function scatter(src: Float32Array, dst: Float32Array, base: number, stride: number, rows: number, d: number): void {
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * d, (r + 1) * d), base + r * stride);
}

/** Whether query t of batch b may see key j. */
function allowedFn(s: AttentionShape, mask: KeyMask | null): (b: number, t: number, j: number) => boolean {
  const offset = s.s - s.t;
  return (b, t, j) => (!s.causal || j <= t + offset) && (!mask || mask[b * s.s + j] !== 0);
}

/** Forward: out [q's shape] and lse [B, HQ, T]; rows with no allowed key get 0 and -Infinity. */
export function attentionFast(q: Float32Array, k: Float32Array, v: Float32Array, mask: KeyMask | null, s: AttentionShape): { out: Float32Array; lse: Float32Array } {
  const L = layout(s);
  const { t: T, s: S, d: D } = s;
  const group = s.hq / s.hkv;
  const scale = s.scale ?? 1 / Math.sqrt(D);
  const allowed = allowedFn(s, mask);
  const out = new Float32Array(q.length);
  const lse = new Float32Array(s.b * s.hq * T);
  const qh = new Float32Array(T * D);
  const kh = new Float32Array(S * D);
  const vh = new Float32Array(S * D);
  const scores = new Float32Array(T * S);
  const oh = new Float32Array(T * D);
  for (let b = 0; b < s.b; b++) {
    for (let hk = 0; hk < s.hkv; hk++) {
      gather(k, b * L.kb + hk * L.kh, L.kt, S, D, kh);
      gather(v, b * L.kb + hk * L.kh, L.kt, S, D, vh);
      for (let h = hk * group; h < (hk + 1) * group; h++) {
        const qBase = b * L.qb + h * L.qh;
        matmulFast(gather(q, qBase, L.qt, T, D, qh), kh, { batch: 1, m: T, n: S, k: D, transB: true }, scores);
        for (let t = 0; t < T; t++) {
          const row = scores.subarray(t * S, (t + 1) * S);
          let m = -Infinity;
          for (let j = 0; j < S; j++) if (allowed(b, t, j)) m = Math.max(m, row[j] * scale);
          const r = (b * s.hq + h) * T + t;
          if (m === -Infinity) {
            lse[r] = -Infinity;
            row.fill(0);
            continue;
          }
          let l = 0;
          for (let j = 0; j < S; j++) {
            const w = allowed(b, t, j) ? Math.exp(row[j] * scale - m) : 0;
            row[j] = w;
            l += w;
          }
          for (let j = 0; j < S; j++) row[j] /= l;
          lse[r] = m + Math.log(l);
        }
        matmulFast(scores, vh, { batch: 1, m: T, n: D, k: S }, oh);
        scatter(oh, out, qBase, L.qt, T, D);
      }
    }
  }
  return { out, lse };
}

/** Backward from the forward's out and lse and the gradient dout: dq, dk, dv. */
export function attentionBackwardFast(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  mask: KeyMask | null,
  out: Float32Array,
  lse: Float32Array,
  dout: Float32Array,
  s: AttentionShape,
): { dq: Float32Array; dk: Float32Array; dv: Float32Array } {
  const L = layout(s);
  const { t: T, s: S, d: D } = s;
  const group = s.hq / s.hkv;
  const scale = s.scale ?? 1 / Math.sqrt(D);
  const allowed = allowedFn(s, mask);
  const dq = new Float32Array(q.length);
  const dk = new Float32Array(k.length);
  const dv = new Float32Array(v.length);
  const [qh, oh, doh, dqh] = [0, 0, 0, 0].map(() => new Float32Array(T * D));
  const [kh, vh, dkPart, dvPart] = [0, 0, 0, 0].map(() => new Float32Array(S * D));
  // Gradients of one kv head, summed over its query heads in double precision.
  const dkAcc = new Float64Array(S * D);
  const dvAcc = new Float64Array(S * D);
  const p = new Float32Array(T * S);
  const dp = new Float32Array(T * S);
  for (let b = 0; b < s.b; b++) {
    for (let hk = 0; hk < s.hkv; hk++) {
      const kvBase = b * L.kb + hk * L.kh;
      gather(k, kvBase, L.kt, S, D, kh);
      gather(v, kvBase, L.kt, S, D, vh);
      dkAcc.fill(0);
      dvAcc.fill(0);
      for (let h = hk * group; h < (hk + 1) * group; h++) {
        const qBase = b * L.qb + h * L.qh;
        gather(q, qBase, L.qt, T, D, qh);
        gather(out, qBase, L.qt, T, D, oh);
        gather(dout, qBase, L.qt, T, D, doh);
        matmulFast(qh, kh, { batch: 1, m: T, n: S, k: D, transB: true }, p);
        matmulFast(doh, vh, { batch: 1, m: T, n: S, k: D, transB: true }, dp);
        for (let t = 0; t < T; t++) {
          const rowLse = lse[(b * s.hq + h) * T + t];
          let delta = 0;
          for (let d = 0; d < D; d++) delta += doh[t * D + d] * oh[t * D + d];
          for (let j = 0; j < S; j++) {
            const i = t * S + j;
            const pij = allowed(b, t, j) ? Math.exp(p[i] * scale - rowLse) : 0;
            p[i] = pij;
            dp[i] = pij * (dp[i] - delta) * scale;
          }
        }
        // dp now holds scale * dS.
        matmulFast(dp, kh, { batch: 1, m: T, n: D, k: S }, dqh);
        scatter(dqh, dq, qBase, L.qt, T, D);
        matmulFast(dp, qh, { batch: 1, m: S, n: D, k: T, transA: true }, dkPart);
        matmulFast(p, doh, { batch: 1, m: S, n: D, k: T, transA: true }, dvPart);
        for (let i = 0; i < S * D; i++) {
          dkAcc[i] += dkPart[i];
          dvAcc[i] += dvPart[i];
        }
      }
      scatter(Float32Array.from(dkAcc), dk, kvBase, L.kt, S, D);
      scatter(Float32Array.from(dvAcc), dv, kvBase, L.kt, S, D);
    }
  }
  return { dq, dk, dv };
}
