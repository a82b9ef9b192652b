import { describe, expect, it } from 'vitest';
import {
  crossEntropyBackwardCpu,
  crossEntropyCpu,
  crossEntropyMeanBackwardCpu,
  crossEntropyMeanCpu,
} from '../../src/tensor/kernels/cross-entropy';
import { logprobsBackwardCpu, logprobsCpu } from '../../src/tensor/kernels/logprobs';
import { Rng } from '../../src/util/rng';
import { dot, finiteDiff } from '../helpers/finite-diff';

describe('cross-entropy and log-prob CPU references', () => {
  it('gives log(V) for equal logits, stays finite for logits of 1e4, and 0 on ignored rows', () => {
    const { losses, lse } = crossEntropyCpu(new Float32Array([2, 2, 2, 2, 1e4, 0, 5, 5]), new Int32Array([3, 1]), { n: 2, v: 4 });
    expect(losses[0]).toBeCloseTo(Math.log(4), 6);
    expect(lse[0]).toBeCloseTo(2 + Math.log(4), 6);
    expect(losses[1]).toBe(1e4);
    const ignored = crossEntropyCpu(new Float32Array([1, 2]), new Int32Array([-100]), { n: 1, v: 2 });
    expect(ignored.losses[0]).toBe(0);
  });

  it('log-probs are minus the cross-entropy', () => {
    const rng = new Rng(1);
    const logits = rng.float32(3 * 5, { uniform: [-4, 4] });
    const targets = new Int32Array([4, 0, 2]);
    const ce = crossEntropyCpu(logits, targets, { n: 3, v: 5 });
    const lp = logprobsCpu(logits, targets, { n: 3, v: 5 });
    for (let i = 0; i < 3; i++) expect(lp.logps[i]).toBe(-ce.losses[i]);
  });

  it('means over non-ignored rows only, NaN when all are ignored (as PyTorch)', () => {
    const losses = new Float32Array([1, 99, 3]);
    const targets = new Int32Array([0, -100, 2]);
    expect(crossEntropyMeanCpu(losses, targets, { n: 3 })).toBe(2);
    expect([...crossEntropyMeanBackwardCpu(targets, 4, { n: 3 })]).toEqual([2, 0, 2]);
    expect(crossEntropyMeanCpu(losses, new Int32Array([-100, -100, -100]), { n: 3 })).toBeNaN();
  });

  it('backwards match finite differences (tolerance 1e-3 of max |grad|)', () => {
    const rng = new Rng(2);
    const s = { n: 4, v: 6 };
    const logits = rng.float32(24, { uniform: [-3, 3] });
    const targets = new Int32Array([5, -100, 0, 3]);
    const r = rng.float32(4);
    const ce = crossEntropyCpu(logits, targets, s);
    const dce = crossEntropyBackwardCpu(logits, targets, ce.lse, r, s);
    const fd = finiteDiff({ logits }, { logits: dce }, () => dot(crossEntropyCpu(logits, targets, s).losses, r), { samples: 24 });
    expect(fd.worst, fd.where).toBeLessThan(1e-3);
    const lp = logprobsCpu(logits, targets, s);
    const dlp = logprobsBackwardCpu(logits, targets, lp.lse, r, s);
    const fd2 = finiteDiff({ logits }, { logits: dlp }, () => dot(logprobsCpu(logits, targets, s).logps, r), { samples: 24 });
    expect(fd2.worst, fd2.where).toBeLessThan(1e-3);
    // The cross-entropy gradient in place of the log-prob one is caught.
    expect(finiteDiff({ logits }, { logits: dce }, () => dot(logprobsCpu(logits, targets, s).logps, r), { samples: 24 }).worst).toBeGreaterThan(0.1);
    // Mean: d mean / d losses.
    const losses = rng.float32(4);
    const dl = crossEntropyMeanBackwardCpu(targets, 1, s);
    const fd3 = finiteDiff({ losses }, { losses: dl }, () => crossEntropyMeanCpu(losses, targets, s), { h: 1e-2 });
    expect(fd3.worst, fd3.where).toBeLessThan(1e-3);
  });

  it('rejects a target outside the vocabulary and mismatched shapes, naming them', () => {
    expect(() => crossEntropyCpu(new Float32Array(4), new Int32Array([0, 2]), { n: 2, v: 2 })).toThrow(
      /cross-entropy: target 2 of row 1 is outside \[0, 2\) and is not the ignore index -100/,
    );
    expect(() => logprobsCpu(new Float32Array(5), new Int32Array([0, 1]), { n: 2, v: 2 })).toThrow(/logprobs: logits has 5 elements but shape \[N=2, V=2\] needs 4/);
  });
});
