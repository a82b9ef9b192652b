import { describe, expect, it } from 'vitest';
import { softmaxBackwardCpu, softmaxCpu } from '../../src/tensor/kernels/softmax';
import { Rng } from '../../src/util/rng';
import { dot, finiteDiff } from '../helpers/finite-diff';

describe('softmax CPU reference', () => {
  it('gives rows summing to 1, log-softmax as its log, and no overflow at logits of 1e4', () => {
    const rng = new Rng(5);
    const x = rng.float32(3 * 7, { uniform: [-4, 4] });
    const y = softmaxCpu(x, { rows: 3, cols: 7, log: false });
    const ly = softmaxCpu(x, { rows: 3, cols: 7, log: true });
    for (let r = 0; r < 3; r++) {
      let s = 0;
      for (let c = 0; c < 7; c++) s += y[r * 7 + c];
      expect(s).toBeCloseTo(1, 6);
    }
    for (let i = 0; i < x.length; i++) expect(ly[i]).toBeCloseTo(Math.log(y[i]), 5);
    expect([...softmaxCpu(Float32Array.of(1e4, 1e4), { rows: 1, cols: 2, log: false })]).toEqual([0.5, 0.5]);
  });

  it('backward matches finite differences, softmax and log-softmax (tolerance 1e-3 of max |grad|)', () => {
    const rng = new Rng(6);
    for (const log of [false, true]) {
      const p = { rows: 4, cols: 9, log };
      const x = rng.float32(36, { uniform: [-3, 3] });
      const r = rng.float32(36);
      const dx = softmaxBackwardCpu(softmaxCpu(x, p), r, p);
      const fd = finiteDiff({ x }, { x: dx }, () => dot(softmaxCpu(x, p), r), { h: 1e-2 });
      expect(fd.worst, fd.where).toBeLessThan(1e-3);
      expect(fd.checked).toBeGreaterThan(10);
    }
  });

  it('finite differences catch a wrong backward', () => {
    const rng = new Rng(7);
    const p = { rows: 2, cols: 8, log: true };
    const x = rng.float32(16, { uniform: [-3, 3] });
    const r = rng.float32(16);
    const dx = softmaxBackwardCpu(softmaxCpu(x, p), r, p);
    dx[5] += 0.05;
    expect(finiteDiff({ x }, { x: dx }, () => dot(softmaxCpu(x, p), r)).worst).toBeGreaterThan(1e-3);
  });

  it('names the shape on mismatch', () => {
    expect(() => softmaxCpu(new Float32Array(5), { rows: 2, cols: 3, log: false })).toThrow('softmax: 5 elements do not form [2, 3]');
  });
});
