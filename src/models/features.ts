// The frozen-backbone mode: run the base model once per sequence under noGrad, keep each row's
// last-token hidden state [C] on the host, and train only a head on those features, which is fast
// even on the CPU backend. Features are cached by the exact token ids, so the epochs after the
// first cost no forward passes at all.
import { noGrad } from '../autograd';
import { tidy } from '../tensor';
import { padBatch } from './batch';
import { lastTokenHidden } from './heads';
import type { LlamaModel } from './llama/model';

export class FeatureCache {
  private readonly map = new Map<string, Float32Array>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries = 100_000) {}

  static key(ids: readonly number[]): string {
    return ids.join(',');
  }

  get(ids: readonly number[]): Float32Array | undefined {
    const v = this.map.get(FeatureCache.key(ids));
    if (v) this.hits++;
    return v;
  }

  set(ids: readonly number[], features: Float32Array): void {
    if (this.map.size >= this.maxEntries) this.map.delete(this.map.keys().next().value!);
    this.map.set(FeatureCache.key(ids), features);
    this.misses++;
  }

  get size(): number {
    return this.map.size;
  }
}

/** Last-token hidden states [C] of each sequence, from the cache where possible. */
export async function lastTokenFeatures(
  model: LlamaModel,
  seqs: readonly (readonly number[])[],
  o: { padId: number; batchSize?: number; cache?: FeatureCache },
): Promise<Float32Array[]> {
  const C = model.config.hiddenSize;
  const out: (Float32Array | undefined)[] = seqs.map((s) => o.cache?.get(s));
  const todo = seqs.map((_, i) => i).filter((i) => out[i] === undefined);
  const size = o.batchSize ?? 8;
  for (let i = 0; i < todo.length; i += size) {
    const rows = todo.slice(i, i + size);
    const batch = padBatch(rows.map((r) => seqs[r]), o.padId);
    const t = noGrad(() => tidy(() => lastTokenHidden(model.backend, model.hidden(batch.ids, batch.B, batch.T), batch.lengths)));
    const data = (await t.data()) as Float32Array;
    t.dispose();
    rows.forEach((r, j) => {
      const f = data.slice(j * C, (j + 1) * C);
      out[r] = f;
      o.cache?.set(seqs[r], f);
    });
  }
  return out as Float32Array[];
}
