// Packed right-hand operands kept between products, for generation on the cpu backend. Each
// product packs B into the micro-kernel's panels (./matmul-fast.ts); with the few rows of a
// decode step (one per sequence) that packing of the weight matrix costs about twice the product
// itself. While a hold is open (ops.holdFrozenWeights, around a generate() call whose weights do
// not change between steps) a tensor-level product's packed B is kept, keyed by the operand's
// storage and layout, and copied back instead of packed again. Only products the backend's matmul
// runs are cached (never scratch arrays refilled in place, like attention's), and every in-place
// op of the cpu backend (assign, addScaledInPlace, adamw, writeAt) forgets what was kept for the
// storage it writes, so an optimizer step interleaved with a generation is never served a stale
// pack. Bounded by a budget.

/** Floats kept at most (64 MiB); past it, products pack as usual. */
const BUDGET_FLOATS = 16 * 1024 * 1024;

interface Entry {
  key: string;
  packed: Float32Array;
}

let holds = 0;
let cache = new WeakMap<ArrayBufferLike, Entry[]>();
let keptFloats = 0;

/** Opens a hold; call the returned function once to close it (the last close drops the cache). */
export function holdPackedOperands(): () => void {
  holds++;
  let open = true;
  return () => {
    if (!open) return;
    open = false;
    if (--holds === 0) {
      cache = new WeakMap();
      keptFloats = 0;
    }
  };
}

export function packedOperandsHeld(): boolean {
  return holds > 0;
}

function keyOf(b: Float32Array, layout: readonly number[]): string {
  return `${b.byteOffset}:${b.length}:${layout.join(',')}`;
}

/** The panels packed earlier for this operand and layout, or undefined. */
export function findPacked(b: Float32Array, layout: readonly number[]): Float32Array | undefined {
  if (holds === 0) return undefined;
  const key = keyOf(b, layout);
  return cache.get(b.buffer)?.find((e) => e.key === key)?.packed;
}

/** Keeps a copy of `packed` for this operand and layout, within the budget. */
export function keepPacked(b: Float32Array, layout: readonly number[], packed: Float32Array): void {
  if (holds === 0 || keptFloats + packed.length > BUDGET_FLOATS) return;
  const entries = cache.get(b.buffer) ?? [];
  entries.push({ key: keyOf(b, layout), packed: packed.slice() });
  cache.set(b.buffer, entries);
  keptFloats += packed.length;
}

/** Drops what was kept for this storage: call before writing into it in place. */
export function forgetPacked(data: Float32Array | Int32Array): void {
  if (holds === 0) return;
  const entries = cache.get(data.buffer);
  if (!entries) return;
  for (const e of entries) keptFloats -= e.packed.length;
  cache.delete(data.buffer);
}
