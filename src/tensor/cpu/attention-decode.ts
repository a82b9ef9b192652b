// The cpu backend's attention for generation steps: a few new queries (T small) against a KV cache
// of capacity >= S positions, read in place. attentionFast (./attention-fast.ts) copies every
// head's keys and values into dense [S, D] arrays and runs products on the fast matmul, which pays
// off for T x S score blocks; with T = 1 those copies cost as much as the math. Here each query
// row walks its allowed keys once for the scores and once for the weighted values, straight from
// the cache's strides. Same math as the CPU reference (attentionCpu in ../kernels/attention.ts):
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
        const last = s.causal ? Math.min(S - 1, t + S - T) : S - 1;
        let m = -Infinity;
        for (let j = 0; j <= last; j++) {
          if (mask && mask[maskBase + j] === 0) {
            scores[j] = -Infinity;
            continue;
          }
          const ko = kBase + j * kt;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[qo + d] * k[ko + d];
          const x = dot * scale;
          scores[j] = x;
          if (x > m) m = x;
        }
        const row = (b * s.hq + h) * T + t;
        if (m === -Infinity) {
          lse[row] = -Infinity;
          continue;
        }
        acc.fill(0);
        let l = 0;
        for (let j = 0; j <= last; j++) {
          if (scores[j] === -Infinity) continue;
          const w = Math.exp(scores[j] - m);
          l += w;
          const vo = kBase + j * kt;
          for (let d = 0; d < D; d++) acc[d] += w * v[vo + d];
        }
        const inv = 1 / l;
        for (let d = 0; d < D; d++) out[qo + d] = acc[d] * inv;
        lse[row] = m + Math.log(l);
      }
    }
  }
  return { out, lse };
}
