// Unfused attention, forward and backward, composed of backend ops: scores = scale * q k^T plus a
// mask bias, softmax, then P v; the backward recomputes P and runs softmax's backward between four
// products. It writes the whole [B, Hq, T, S] score matrix (and P), which the fused kernels
// (../kernels/attention.ts) never do: it is the comparison the benchmark draws and the path the
// `attention=unfused` kernel variant forces (GpuContext.variants.fusedAttention). Same contract
// as ./attention.ts: out like q, lse [B, Hq, T], rows with no allowed key give out 0, lse -Inf.
import type { AttentionOptions, Backend } from '../backend';
import { tidy } from '../scope';
import type { Tensor } from '../tensor';
import { planAttention } from '../transformer-plan';

/** A bias that removes a key: far below any score, yet finite (a row of it must not give NaN). */
const MASKED = -1e30;

interface Prepared {
  /** q, k, v as [B, Hq, T, D] and [B, Hq, S, D] (kv heads repeated for grouped queries). */
  qh: Tensor;
  kh: Tensor;
  vh: Tensor;
  /** Softmax probabilities [B, Hq, T, S], zero on rows with no allowed key. */
  p: Tensor;
  /** Log-sum-exp [B, Hq, T] of the scaled, masked scores (-Infinity on rows with no allowed key). */
  lse: Tensor;
  scale: number;
}

function toBhtd(be: Backend, x: Tensor, bthd: boolean): Tensor {
  return bthd ? be.permute(x, [0, 2, 1, 3]) : x;
}

/** k or v [B, Hkv, S, D] repeated to [B, Hq, S, D] (head h reads kv head floor(h / group)). */
function repeatHeads(be: Backend, x: Tensor, hq: number): Tensor {
  const [b, hkv, s, d] = x.shape;
  if (hkv === hq) return x;
  return be.broadcastTo(x.reshape([b, hkv, 1, s, d]), [b, hkv, hq / hkv, s, d]).reshape([b, hq, s, d]);
}

/** [B, Hq, S, D] summed over each kv head's group of query heads -> [B, Hkv, S, D]. */
function sumHeads(be: Backend, x: Tensor, hkv: number): Tensor {
  const [b, hq, s, d] = x.shape;
  if (hkv === hq) return x;
  return be.sumTo(x.reshape([b, hkv, hq / hkv, s, d]), [b, hkv, 1, s, d]).reshape([b, hkv, s, d]);
}

function prepare(be: Backend, q: Tensor, k: Tensor, v: Tensor, o: AttentionOptions): Prepared {
  const sh = planAttention(q, k, v, o);
  const bthd = sh.layout === 'BTHD';
  const scale = sh.scale ?? 1 / Math.sqrt(sh.d);
  const qh = toBhtd(be, q, bthd);
  const kh = repeatHeads(be, toBhtd(be, k, bthd), sh.hq);
  const vh = repeatHeads(be, toBhtd(be, v, bthd), sh.hq);
  // allowed [B or 1, 1, T, S]: 1 where a query may see a key (causal window and key mask).
  const causal = new Float32Array(sh.t * sh.s).fill(1);
  if (sh.causal) for (let t = 0; t < sh.t; t++) for (let j = t + (sh.s - sh.t) + 1; j < sh.s; j++) causal[t * sh.s + j] = 0;
  let allowed = be.fromData(causal, [1, 1, sh.t, sh.s]);
  if (o.keyMask) {
    // Any nonzero mask value keeps its key: |m| * 1e30 clamped to 1 is 1 for every nonzero f32 of
    // a normal magnitude and 0 for 0.
    const m = o.keyMask.dtype === 'f32' ? o.keyMask : be.cast(o.keyMask, 'f32');
    const keep = be.binary('minimum', be.affine(be.unary('abs', m), 1e30, 0), be.full([1], 1));
    allowed = be.binary('mul', allowed, keep.reshape([sh.b, 1, 1, sh.s]));
  }
  const bias = be.affine(allowed, -MASKED, MASKED); // 0 where allowed, MASKED elsewhere
  const scores = be.binary('add', be.affine(be.matmul(qh, kh, { transB: true }), scale, 0), bias);
  // rowAny [B or 1, 1, T, 1]: 1 where the row has an allowed key, 0 where it has none.
  const rowAny = be.reduce('max', allowed, [3], true);
  const m = be.reduce('max', scores, [3], true);
  const sum = be.reduce('sum', be.unary('exp', be.binary('sub', scores, m)), [3], true);
  // An empty row's lse is -Infinity: min(lse, +Inf) keeps it, min(lse, -Inf) replaces it; the cap
  // is -Inf * (1 - 2 rowAny), exact in f32 (no log(0), which GPUs approximate by a finite number).
  const cap = be.binary('mul', be.full([1], -Infinity), be.affine(rowAny, -2, 1));
  const lse = be.binary('minimum', be.binary('add', m, be.unary('log', sum)), cap).reshape([sh.b, sh.hq, sh.t]);
  // Softmax alone would spread an empty row over its masked keys: its probabilities become 0.
  const p = be.binary('mul', be.softmax(scores), rowAny);
  return { qh, kh, vh, p, lse, scale };
}

/** Forward: out shaped like q, and lse [B, Hq, T]. */
export function attentionUnfused(be: Backend, q: Tensor, k: Tensor, v: Tensor, o: AttentionOptions): { out: Tensor; lse: Tensor } {
  return tidy(() => {
    const r = prepare(be, q, k, v, o);
    const out = be.matmul(r.p, r.vh);
    return { out: o.layout === 'BTHD' ? be.permute(out, [0, 2, 1, 3]) : out, lse: r.lse };
  });
}

/** Backward from dout (like q): dq like q, dk and dv like k. P is recomputed from q and k. */
export function attentionBackwardUnfused(be: Backend, q: Tensor, k: Tensor, v: Tensor, dout: Tensor, o: AttentionOptions): { dq: Tensor; dk: Tensor; dv: Tensor } {
  return tidy(() => {
    const sh = planAttention(q, k, v, o);
    const bthd = sh.layout === 'BTHD';
    const r = prepare(be, q, k, v, o);
    const dO = toBhtd(be, dout, bthd);
    const dvh = be.matmul(r.p, dO, { transA: true }); // [B, Hq, S, D]
    const dp = be.matmul(dO, r.vh, { transB: true }); // [B, Hq, T, S]
    const ds = be.affine(be.softmaxBackward(r.p, dp), r.scale, 0);
    const dqh = be.matmul(ds, r.kh); // [B, Hq, T, D]
    const dkh = be.matmul(ds, r.qh, { transA: true }); // [B, Hq, S, D]
    const back = (x: Tensor) => (bthd ? be.permute(x, [0, 2, 1, 3]) : x);
    return { dq: back(dqh), dk: back(sumHeads(be, dkh, sh.hkv)), dv: back(sumHeads(be, dvh, sh.hkv)) };
  });
}
