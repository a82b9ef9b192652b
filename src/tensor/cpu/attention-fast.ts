// The cpu backend's attention, forward and backward: the math of the CPU reference (attentionCpu
// and attentionBackwardCpu in ../kernels/attention.ts) computed per (batch, head) as dense
// products on the fast matmul (./matmul-fast.ts): scores = q k^T, probabilities row by row,
// out = p v; the backward recomputes p from the forward's lse and runs dq, dk, dv as products.
// The reference visits keys one by one in double precision and made attention ~60% of a small
// Llama's CPU training step; this agrees with it to float32 rounding (tests/unit/attention-fast).
// Causal attention runs in blocks of query rows, each against only the keys its last row may
// see, so the future half of the score matrix is mostly never computed.
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

/** Keys query t may see are j <= lastKey (causal), and of those the ones the mask keeps. */
function lastKey(s: AttentionShape, t: number): number {
  return s.causal ? Math.min(s.s - 1, t + s.s - s.t) : s.s - 1;
}

/** Query rows per block: causal blocks skip the keys after their last row. */
const BLOCK = 64;

interface Block {
  t0: number;
  rows: number;
  /** Keys [0, keys) cover every key the block's rows may see. */
  keys: number;
}

function blocks(s: AttentionShape): Block[] {
  const out: Block[] = [];
  for (let t0 = 0; t0 < s.t; t0 += BLOCK) {
    const rows = Math.min(BLOCK, s.t - t0);
    out.push({ t0, rows, keys: lastKey(s, t0 + rows - 1) + 1 });
  }
  return out;
}

/** Forward: out [q's shape] and lse [B, HQ, T]; rows with no allowed key get 0 and -Infinity. */
export function attentionFast(q: Float32Array, k: Float32Array, v: Float32Array, mask: KeyMask | null, s: AttentionShape): { out: Float32Array; lse: Float32Array } {
  const L = layout(s);
  const { t: T, s: S, d: D } = s;
  const group = s.hq / s.hkv;
  const scale = s.scale ?? 1 / Math.sqrt(D);
  const out = new Float32Array(q.length);
  const lse = new Float32Array(s.b * s.hq * T);
  const qh = new Float32Array(T * D);
  const kh = new Float32Array(S * D);
  const vh = new Float32Array(S * D);
  const scratch = new Float32Array(Math.min(BLOCK, T) * S);
  const oh = new Float32Array(T * D);
  const plan = blocks(s);
  for (let b = 0; b < s.b; b++) {
    for (let hk = 0; hk < s.hkv; hk++) {
      gather(k, b * L.kb + hk * L.kh, L.kt, S, D, kh);
      gather(v, b * L.kb + hk * L.kh, L.kt, S, D, vh);
      for (let h = hk * group; h < (hk + 1) * group; h++) {
        const qBase = b * L.qb + h * L.qh;
        gather(q, qBase, L.qt, T, D, qh);
        for (const { t0, rows, keys } of plan) {
          const scores = scratch.subarray(0, rows * keys);
          matmulFast(qh.subarray(t0 * D, (t0 + rows) * D), kh.subarray(0, keys * D), { batch: 1, m: rows, n: keys, k: D, transB: true }, scores);
          for (let i = 0; i < rows; i++) {
            const t = t0 + i;
            const row = scores.subarray(i * keys, (i + 1) * keys);
            const last = lastKey(s, t);
            let m = -Infinity;
            for (let j = 0; j <= last; j++) if (!mask || mask[b * S + j] !== 0) m = Math.max(m, row[j] * scale);
            const r = (b * s.hq + h) * T + t;
            row.fill(0, last + 1);
            if (m === -Infinity) {
              lse[r] = -Infinity;
              row.fill(0);
              continue;
            }
            let l = 0;
            for (let j = 0; j <= last; j++) {
              const w = !mask || mask[b * S + j] !== 0 ? Math.exp(row[j] * scale - m) : 0;
              row[j] = w;
              l += w;
            }
            const inv = 1 / l;
            for (let j = 0; j <= last; j++) row[j] *= inv;
            lse[r] = m + Math.log(l);
          }
          matmulFast(scores, vh.subarray(0, keys * D), { batch: 1, m: rows, n: D, k: keys }, oh.subarray(t0 * D, (t0 + rows) * D));
        }
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
  const dq = new Float32Array(q.length);
  const dk = new Float32Array(k.length);
  const dv = new Float32Array(v.length);
  const [qh, oh, doh, dqh] = [0, 0, 0, 0].map(() => new Float32Array(T * D));
  const [kh, vh, dkPart, dvPart] = [0, 0, 0, 0].map(() => new Float32Array(S * D));
  // Gradients of one kv head, summed over its query heads and blocks in double precision.
  const dkAcc = new Float64Array(S * D);
  const dvAcc = new Float64Array(S * D);
  const pScratch = new Float32Array(Math.min(BLOCK, T) * S);
  const dpScratch = new Float32Array(Math.min(BLOCK, T) * S);
  const plan = blocks(s);
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
        for (const { t0, rows, keys } of plan) {
          const p = pScratch.subarray(0, rows * keys);
          const dp = dpScratch.subarray(0, rows * keys);
          const qb = qh.subarray(t0 * D, (t0 + rows) * D);
          const dob = doh.subarray(t0 * D, (t0 + rows) * D);
          matmulFast(qb, kh.subarray(0, keys * D), { batch: 1, m: rows, n: keys, k: D, transB: true }, p);
          matmulFast(dob, vh.subarray(0, keys * D), { batch: 1, m: rows, n: keys, k: D, transB: true }, dp);
          for (let i = 0; i < rows; i++) {
            const t = t0 + i;
            const rowLse = lse[(b * s.hq + h) * T + t];
            let delta = 0;
            for (let d = 0; d < D; d++) delta += doh[t * D + d] * oh[t * D + d];
            const last = lastKey(s, t);
            for (let j = 0; j <= last; j++) {
              const x = i * keys + j;
              const pij = !mask || mask[b * S + j] !== 0 ? Math.exp(p[x] * scale - rowLse) : 0;
              p[x] = pij;
              dp[x] = pij * (dp[x] - delta) * scale;
            }
            p.fill(0, i * keys + last + 1, (i + 1) * keys);
            dp.fill(0, i * keys + last + 1, (i + 1) * keys);
          }
          // dp now holds scale * dS for the block.
          matmulFast(dp, kh.subarray(0, keys * D), { batch: 1, m: rows, n: D, k: keys }, dqh.subarray(t0 * D, (t0 + rows) * D));
          const dkp = dkPart.subarray(0, keys * D);
          const dvp = dvPart.subarray(0, keys * D);
          matmulFast(dp, qb, { batch: 1, m: keys, n: D, k: rows, transA: true }, dkp);
          matmulFast(p, dob, { batch: 1, m: keys, n: D, k: rows, transA: true }, dvp);
          for (let i = 0; i < keys * D; i++) {
            dkAcc[i] += dkp[i];
            dvAcc[i] += dvp[i];
          }
        }
        scatter(dqh, dq, qBase, L.qt, T, D);
      }
      scatter(Float32Array.from(dkAcc), dk, kvBase, L.kt, S, D);
      scatter(Float32Array.from(dvAcc), dv, kvBase, L.kt, S, D);
    }
  }
  return { dq, dk, dv };
}
