import { describe, expect, it } from 'vitest';
import { stridedCopyCpu } from '../../src/tensor/kernels/strided-copy';
import { stridesOf } from '../../src/tensor';
import { Rng } from '../../src/util/rng';

describe('strided-copy CPU reference', () => {
  it('transposes, slices with offsets and broadcasts by strides (checked against explicit indexing)', () => {
    const rng = new Rng(10);
    const src = rng.float32(4 * 6);
    const t = new Float32Array(24);
    stridedCopyCpu(src, t, { shape: [6, 4], inStrides: [1, 6], outStrides: [4, 1] });
    for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) expect(t[j * 4 + i]).toBe(src[i * 6 + j]);
    const rows = new Float32Array(2 * 6 + 3);
    stridedCopyCpu(src, rows, { shape: [2, 6], inStrides: [6, 1], inOffset: 12, outStrides: stridesOf([2, 6]), outOffset: 3 });
    expect([...rows.slice(3)]).toEqual([...src.slice(12, 24)]);
    expect([...rows.slice(0, 3)]).toEqual([0, 0, 0]);
    const b = new Float32Array(3 * 2);
    stridedCopyCpu(Float32Array.of(5, 7), b, { shape: [3, 2], inStrides: [0, 1], outStrides: [2, 1] });
    expect([...b]).toEqual([5, 7, 5, 7, 5, 7]);
  });

  it('casts f32 to i32 by truncation and back exactly, and names bad strides', () => {
    const ints = new Int32Array(3);
    stridedCopyCpu(Float32Array.of(2.9, -2.9, 1e6 + 0.5), ints, { shape: [3], inStrides: [1], outStrides: [1], op: 'f32->i32' });
    expect([...ints]).toEqual([2, -2, 1_000_000]);
    const back = new Float32Array(3);
    stridedCopyCpu(ints, back, { shape: [3], inStrides: [1], outStrides: [1], op: 'i32->f32' });
    expect([...back]).toEqual([2, -2, 1_000_000]);
    expect(() => stridedCopyCpu(ints, back, { shape: [3], inStrides: [1, 1], outStrides: [1] })).toThrow(/strides \[1,1\] \/ \[1\] do not match shape \[3\]/);
  });
});
