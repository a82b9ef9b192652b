import { describe, expect, it } from 'vitest';
import { embeddingBackwardCpu, embeddingCpu } from '../../src/tensor/kernels/embedding';
import { Rng } from '../../src/util/rng';
import { dot, finiteDiff } from '../helpers/finite-diff';

describe('embedding CPU reference', () => {
  it('gathers rows and sums gradients of repeated ids', () => {
    const table = new Float32Array([0, 1, 10, 11, 20, 21]);
    const ids = new Int32Array([2, 0, 2]);
    expect([...embeddingCpu(table, ids, { v: 3, c: 2, n: 3 })]).toEqual([20, 21, 0, 1, 20, 21]);
    const dy = new Float32Array([1, 2, 3, 4, 5, 6]);
    expect([...embeddingBackwardCpu(ids, dy, { v: 3, c: 2, n: 3 })]).toEqual([3, 4, 0, 0, 6, 8]);
  });

  it('backward matches finite differences (tolerance 1e-3 of max |grad|)', () => {
    const rng = new Rng(41);
    const s = { v: 6, c: 5, n: 11 };
    const table = rng.float32(30);
    const ids = Int32Array.from({ length: 11 }, () => rng.int(4));
    const r = rng.float32(55);
    const dtable = embeddingBackwardCpu(ids, r, s);
    const fd = finiteDiff({ table }, { table: dtable }, () => dot(embeddingCpu(table, ids, s), r), { samples: 30 });
    expect(fd.worst, fd.where).toBeLessThan(1e-3);
    dtable[0] += 0.5;
    expect(finiteDiff({ table }, { table: dtable }, () => dot(embeddingCpu(table, ids, s), r), { samples: 30 }).worst).toBeGreaterThan(1e-2);
  });

  it('rejects out-of-range ids and mismatched shapes, naming them', () => {
    expect(() => embeddingCpu(new Float32Array(6), new Int32Array([3]), { v: 3, c: 2, n: 1 })).toThrow(/token id 3 at position 0 is outside the table's \[0, 3\)/);
    expect(() => embeddingCpu(new Float32Array(6), new Int32Array(2), { v: 3, c: 2, n: 3 })).toThrow(
      /embedding: ids has 2 elements but shape \[N=3\] \(table is \[V=3, C=2\]\) needs 3/,
    );
  });
});
