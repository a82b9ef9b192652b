// Keys and values of past positions, per layer, for generation: each step runs only the new
// tokens and attends over everything cached. Each layer's keys and values live in one buffer
// [B, capacity, Hkv, D] allocated at the first write (when B is known) and written in place at the
// current length, so a step copies only its own T positions; attention reads the first `length`
// positions where they lie (ops.cachedAttention). Tensors here are kept out of tidy scopes and
// owned by the cache; use it under noGrad (a cached step is inference, not training).
import { keep, ops, type Tensor } from '../../tensor';

export class KVCacheFullError extends Error {
  override name = 'KVCacheFullError';
}

export class KVCache {
  private readonly k: (Tensor | null)[];
  private readonly v: (Tensor | null)[];
  /** Positions cached so far (S before the current step). */
  length = 0;

  /** `capacity`: the most positions it will hold (the prompt plus every token to generate). */
  constructor(
    readonly numLayers: number,
    readonly capacity: number,
  ) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`KV cache capacity must be a positive integer, not ${capacity}`);
    this.k = new Array(numLayers).fill(null);
    this.v = new Array(numLayers).fill(null);
  }

  /**
   * Writes this step's k, v [B, T, Hkv, D] for `layer` at positions length .. length + T - 1 and
   * returns the layer's buffers [B, capacity, Hkv, D]; the first length + T positions are valid.
   */
  write(layer: number, k: Tensor, v: Tensor): { k: Tensor; v: Tensor } {
    const [B, T, H, D] = k.shape;
    if (this.length + T > this.capacity) {
      throw new KVCacheFullError(`KV cache holds ${this.capacity} positions; ${this.length} cached + ${T} new do not fit (make the cache for the prompt plus every new token)`);
    }
    let kc = this.k[layer];
    let vc = this.v[layer];
    if (!kc || !vc) {
      kc = this.k[layer] = keep(k.backend.zeros([B, this.capacity, H, D]));
      vc = this.v[layer] = keep(k.backend.zeros([B, this.capacity, H, D]));
    }
    ops.writeAt(k.backend, kc, k, 1, this.length);
    ops.writeAt(k.backend, vc, v, 1, this.length);
    return { k: kc, v: vc };
  }

  /**
   * Makes row b of every layer's buffers a copy of row rows[b] of the current ones (a prompt run
   * once for several rows that share it); the batch becomes rows.length.
   */
  expandRows(rows: readonly number[]): void {
    for (const kv of [this.k, this.v]) {
      kv.forEach((t, layer) => {
        if (!t) return;
        const [, cap, H, D] = t.shape;
        const be = t.backend;
        const out = keep(be.zeros([rows.length, cap, H, D]));
        rows.forEach((r, b) => {
          const row = be.slice(t, 0, r, r + 1);
          ops.writeAt(be, out, row, 0, b);
          row.dispose();
        });
        t.dispose();
        kv[layer] = out;
      });
    }
  }

  /** Called once per step after every layer wrote `T` positions. */
  advance(T: number): void {
    this.length += T;
  }

  dispose(): void {
    for (const t of [...this.k, ...this.v]) t?.dispose();
    this.k.fill(null);
    this.v.fill(null);
    this.length = 0;
  }
}
