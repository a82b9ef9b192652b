// Packing documents for the built-in model (src/train/builtin/packing.ts): documents stay whole in
// a row, targets are the next token of the same document from lossFrom on (never the prompt,
// never across a boundary, never padding) with their weights, and over-long documents are cut and
// counted.
import { describe, expect, it } from 'vitest';
import { IGNORE_INDEX } from '../../src/autograd';
import { packRows, rowSlice, type EncodedDoc } from '../../src/train/builtin/packing';

const PAD = 99;
const doc = (start: number, n: number, lossFrom: number): EncodedDoc => ({ ids: Array.from({ length: n }, (_, i) => start + i), lossFrom, answerFrom: lossFrom });

describe('packRows', () => {
  it('packs whole documents greedily and masks persona tokens and boundaries', () => {
    const p = packRows([doc(0, 4, 2), doc(10, 3, 1), doc(20, 5, 1)], 8, PAD);
    expect(p.rows).toBe(2);
    expect([...p.ids.subarray(0, 8)]).toEqual([0, 1, 2, 3, 10, 11, 12, PAD]);
    // Doc 0: tokens 2, 3 are targets (lossFrom 2) -> positions 1, 2 predict them; doc 1 from token 1.
    expect([...p.targets.subarray(0, 8)]).toEqual([IGNORE_INDEX, 2, 3, IGNORE_INDEX, 11, 12, IGNORE_INDEX, IGNORE_INDEX]);
    expect([...p.ids.subarray(8, 16)]).toEqual([20, 21, 22, 23, 24, PAD, PAD, PAD]);
    expect(p.targetCount).toBe(2 + 2 + 4);
    expect(p.tokenCount).toBe(12);
    expect(p.truncated).toBe(0);
  });

  it('carries target weights (1 by default, 0 where ignored)', () => {
    const weighted: EncodedDoc = { ...doc(0, 5, 2), weights: new Map([[3, 5]]) };
    const p = packRows([weighted], 8, PAD);
    // Positions 1..3 predict tokens 2..4; token 3 (position 2) is weighted.
    expect([...p.weights]).toEqual([0, 1, 5, 1, 0, 0, 0, 0]);
    expect(rowSlice(p, 0, 1).weights).toEqual(p.weights);
  });

  it('marks decision targets apart from their weights (a weight of 1 keeps the mark)', () => {
    const marked: EncodedDoc = { ...doc(0, 5, 2), weights: new Map([[3, 1]]), decisions: new Set([3, 0]) };
    const p = packRows([doc(10, 2, 1), marked], 8, PAD);
    // The second document starts at position 2; its token 3 is predicted at position 4. Token 0 is no target.
    expect([...p.decisions]).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
    expect([...p.weights]).toEqual([1, 0, 0, 1, 1, 1, 0, 0]);
    expect(rowSlice(p, 0, 1).decisions).toEqual(p.decisions);
  });

  it('cuts documents longer than a row and counts them', () => {
    const p = packRows([doc(0, 12, 1)], 8, PAD);
    expect(p.rows).toBe(1);
    expect(p.truncated).toBe(1);
    expect([...p.ids]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(p.targets[7]).toBe(IGNORE_INDEX);
  });

  it('puts one document per row when asked, and slices rows with their target counts', () => {
    const p = packRows([doc(0, 3, 1), doc(10, 3, 1)], 8, PAD, { perRow: 1 });
    expect(p.rows).toBe(2);
    const second = rowSlice(p, 1, 1);
    expect([...second.ids]).toEqual([10, 11, 12, PAD, PAD, PAD, PAD, PAD]);
    expect(second.count).toBe(2);
  });
});
