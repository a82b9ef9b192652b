// Rotary-embedding frequencies and cos/sin tables from a ModelConfig, including the rope scaling
// kinds config.ts accepts (linear, llama3). Pure numbers, computed in f64 as transformers does in
// f32/f64, so the decoder can hand the tables to any backend.
import type { ModelConfig, RopeScaling } from './config';

/** inv_freq[i] = theta^(-2i/D) for i < D/2, then scaled as `scaling` says. */
export function ropeInvFreq(headDim: number, theta: number, scaling: RopeScaling | null): Float64Array {
  const half = headDim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.pow(theta, (2 * i) / headDim);
  if (scaling === null) return inv;
  if (scaling.type === 'linear') {
    for (let i = 0; i < half; i++) inv[i] /= scaling.factor;
    return inv;
  }
  // llama3: keep high frequencies, divide low frequencies by `factor`, blend in between.
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: oldLen } = scaling;
  const lowFreqWavelen = oldLen / lowFreqFactor;
  const highFreqWavelen = oldLen / highFreqFactor;
  for (let i = 0; i < half; i++) {
    const wavelen = (2 * Math.PI) / inv[i];
    if (wavelen < highFreqWavelen) continue;
    if (wavelen > lowFreqWavelen) {
      inv[i] /= factor;
      continue;
    }
    const smooth = (oldLen / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    inv[i] = (1 - smooth) * (inv[i] / factor) + smooth * inv[i];
  }
  return inv;
}

export function configInvFreq(c: ModelConfig): Float64Array {
  return ropeInvFreq(c.headDim, c.ropeTheta, c.ropeScaling);
}

/**
 * cos and sin tables [positions.length, D] in the rotate-half layout (the two halves repeat the
 * same angles), for positions given explicitly (KV-cached decoding starts past 0).
 */
export function ropeTables(invFreq: Float64Array, positions: ArrayLike<number>): { cos: Float32Array; sin: Float32Array } {
  const half = invFreq.length;
  const D = 2 * half;
  const cos = new Float32Array(positions.length * D);
  const sin = new Float32Array(positions.length * D);
  for (let t = 0; t < positions.length; t++) {
    for (let i = 0; i < half; i++) {
      const angle = positions[t] * invFreq[i];
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[t * D + i] = c;
      cos[t * D + half + i] = c;
      sin[t * D + i] = s;
      sin[t * D + half + i] = s;
    }
  }
  return { cos, sin };
}
