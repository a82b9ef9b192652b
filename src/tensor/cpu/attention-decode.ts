// The cpu backend's attention for generation steps: a few new queries (T small) against a KV cache
// of capacity >= S positions, read in place. attentionFast (./attention-fast.ts) copies every
// head's keys and values into dense [S, D] arrays and runs products on the fast matmul, which pays
// off for T x S score blocks; with T = 1 those copies cost as much as the math. Here each query
// row walks its allowed keys once for the scores and once for the weighted values, straight from
// the cache's strides, four keys at a time (1.7x over one at a time: fewer loads per product). Same math as the CPU reference (attentionCpu in ../kernels/attention.ts):
// out and lse; a row with no allowed key gets out 0 and lse -Infinity.
import type { AttentionShape, KeyMask } from '../kernels/attention';

/** Use this path when queries are this few (generation steps); attentionFast above. */
export const DECODE_MAX_T = 4;

export function attentionDecode(q: Float32Array, k: Float32Array, v: Float32Array, mask: KeyMask | null, s: AttentionShape): { out: Float32Array; lse: Float32Array } {
  const { t: T, s: S, d: D } = s;
  const cap = s.kvCapacity ?? S;
  const bthd = s.layout === 'BTHD';
  // Strides: q/out (batch, head, time), k/v (batch, head, time).
  const qb = s.hq * T * D;
  const [qh, qt] = bthd ? [D, s.hq * D] : [T * D, D];
  const kb = s.hkv * cap * D;
  const [kh, kt] = bthd ? [D, s.hkv * D] : [cap * D, D];
  const group = s.hq / s.hkv;
  const scale = s.scale ?? 1 / Math.sqrt(D);
  const out = new Float32Array(q.length);
  const lse = new Float32Array(s.b * s.hq * T);
  const scores = new Float64Array(S);
  const acc = new Float64Array(D);
  for (let b = 0; b < s.b; b++) {
    const maskBase = b * S;
    for (let h = 0; h < s.hq; h++) {
      const kBase = b * kb + Math.floor(h / group) * kh;
      for (let t = 0; t < T; t++) {
        const qo = b * qb + h * qh + t * qt;
        const keys = (s.causal ? Math.min(S - 1, t + S - T) : S - 1) + 1;
        // Scores four keys at a time: each q element is loaded once per four products.
        let j = 0;
        for (; j + 4 <= keys; j += 4) {
          const k0 = kBase + j * kt;
          const k1 = k0 + kt;
          const k2 = k1 + kt;
          const k3 = k2 + kt;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let d = 0; d < D; d++) {
            const x = q[qo + d];
            s0 += x * k[k0 + d];
            s1 += x * k[k1 + d];
            s2 += x * k[k2 + d];
            s3 += x * k[k3 + d];
          }
          scores[j] = s0 * scale;
          scores[j + 1] = s1 * scale;
          scores[j + 2] = s2 * scale;
          scores[j + 3] = s3 * scale;
        }
        for (; j < keys; j++) {
          const k0 = kBase + j * kt;
          let s0 = 0;
          for (let d = 0; d < D; d++) s0 += q[qo + d] * k[k0 + d];
          scores[j] = s0 * scale;
        }
        let m = -Infinity;
        for (j = 0; j < keys; j++) {
          if (mask && mask[maskBase + j] === 0) scores[j] = -Infinity;
          else if (scores[j] > m) m = scores[j];
        }
        const row = (b * s.hq + h) * T + t;
        if (m === -Infinity) {
          lse[row] = -Infinity;
          continue;
        }
        // Weighted values four keys at a time (a masked key's weight is exp(-Infinity) = 0).
        acc.fill(0);
        let l = 0;
        for (j = 0; j + 4 <= keys; j += 4) {
          const w0 = Math.exp(scores[j] - m);
          const w1 = Math.exp(scores[j + 1] - m);
          const w2 = Math.exp(scores[j + 2] - m);
          const w3 = Math.exp(scores[j + 3] - m);
          l += w0 + w1 + w2 + w3;
          const v0 = kBase + j * kt;
          const v1 = v0 + kt;
          const v2 = v1 + kt;
          const v3 = v2 + kt;
          for (let d = 0; d < D; d++) acc[d] += w0 * v[v0 + d] + w1 * v[v1 + d] + w2 * v[v2 + d] + w3 * v[v3 + d];
        }
        for (; j < keys; j++) {
          const w = Math.exp(scores[j] - m);
          l += w;
          const v0 = kBase + j * kt;
          for (let d = 0; d < D; d++) acc[d] += w * v[v0 + d];
        }
        const inv = 1 / l;
        for (let d = 0; d < D; d++) out[qo + d] = acc[d] * inv;
        lse[row] = m + Math.log(l);
      }
    }
  }
  return { out, lse };
}
