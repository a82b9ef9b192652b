// The golden test on the cpu backend: a tiny Llama's logits, loss, every parameter gradient and
// ten AdamW steps against PyTorch (float64) values from scripts/golden/write_golden.py.
// Tolerances, relative to the largest magnitude of each tensor (max|ours - torch| / max|torch|):
// logits and loss 1e-4, each gradient 1e-3, each step loss 1e-3 (|ours - torch| / |torch|).
import { beforeAll, describe, expect, it } from 'vitest';
import { initCpuBackend } from '../../src/tensor';
import { loadGolden, relError, runGolden, type GoldenFixture, type GoldenRun } from './golden-model';

let g: GoldenFixture;
let run: GoldenRun;
beforeAll(async () => {
  g = loadGolden();
  run = await runGolden(await initCpuBackend(), g);
});

describe('golden tiny Llama on the cpu backend', () => {
  it('logits and loss within 1e-4', () => {
    expect(relError(run.logits, g.logits)).toBeLessThan(1e-4);
    expect(Math.abs(run.loss - g.loss) / Math.abs(g.loss)).toBeLessThan(1e-4);
  });

  it('every parameter gradient within 1e-3', () => {
    expect(Object.keys(run.grads).sort()).toEqual(Object.keys(g.grads).sort());
    const errors = Object.fromEntries(Object.keys(g.grads).map((k) => [k, relError(run.grads[k], g.grads[k])]));
    for (const [k, e] of Object.entries(errors)) expect(e, k).toBeLessThan(1e-3);
  });

  it('ten AdamW steps (clipped) track PyTorch within 1e-3', () => {
    expect(run.stepLosses).toHaveLength(g.stepLosses.length);
    run.stepLosses.forEach((l, i) => expect(Math.abs(l - g.stepLosses[i]) / g.stepLosses[i], `step ${i}`).toBeLessThan(1e-3));
    run.gradNorms.forEach((n, i) => expect(Math.abs(n - g.gradNorms[i]) / g.gradNorms[i], `grad norm ${i}`).toBeLessThan(1e-3));
    expect(Math.abs(run.finalLoss - g.finalLoss) / g.finalLoss).toBeLessThan(1e-3);
  });
});
