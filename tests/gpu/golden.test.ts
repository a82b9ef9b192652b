// The golden test on the webgpu backend (Dawn): the same tiny Llama, fixture and tolerances as
// tests/unit/golden.test.ts — logits and loss within 1e-4 and every gradient within 1e-3 (relative
// to each tensor's largest magnitude), ten clipped AdamW step losses within 1e-3.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd';
import { tidy, WebGpuBackend } from '../../src/tensor';
import { AdamW, crossEntropyLoss } from '../../src/train';
import { GoldenLlama, loadGolden, relError, runGolden, type GoldenFixture, type GoldenRun } from '../unit/golden-model';
import { testGpu } from '../helpers/node-gpu';

let g: GoldenFixture;
let run: GoldenRun;
let backend: WebGpuBackend;
beforeAll(async () => {
  g = loadGolden();
  backend = new WebGpuBackend(await testGpu());
  run = await runGolden(backend, g);
}, 300_000);

describe('golden tiny Llama on the webgpu backend', () => {
  it('logits and loss within 1e-4', () => {
    expect(relError(run.logits, g.logits)).toBeLessThan(1e-4);
    expect(Math.abs(run.loss - g.loss) / Math.abs(g.loss)).toBeLessThan(1e-4);
  });

  it('every parameter gradient within 1e-3', () => {
    expect(Object.keys(run.grads).sort()).toEqual(Object.keys(g.grads).sort());
    for (const k of Object.keys(g.grads)) expect(relError(run.grads[k], g.grads[k]), k).toBeLessThan(1e-3);
  });

  it('ten AdamW steps (clipped) track PyTorch within 1e-3', () => {
    run.stepLosses.forEach((l, i) => expect(Math.abs(l - g.stepLosses[i]) / g.stepLosses[i], `step ${i}`).toBeLessThan(1e-3));
    run.gradNorms.forEach((n, i) => expect(Math.abs(n - g.gradNorms[i]) / g.gradNorms[i], `grad norm ${i}`).toBeLessThan(1e-3));
    expect(Math.abs(run.finalLoss - g.finalLoss) / g.finalLoss).toBeLessThan(1e-3);
  });

  it('left no tensor behind: only the pool holds buffers after the run', () => {
    expect(backend.poolStats().inUse).toBe(0);
  });

  it('a steady-state training step is one submission, no readback and no new buffers', async () => {
    const model = new GoldenLlama(backend, g);
    const opt = new AdamW(model.parameters(), { lr: 1e-3, clipNorm: 1 });
    const step = () => {
      tidy(() => backward(crossEntropyLoss(model.forward(), g.targets)));
      opt.update();
    };
    step();
    await backend.sync();
    const submits = backend.submitCount;
    const created = backend.poolStats().created;
    step();
    expect(backend.submitCount - submits).toBe(1);
    expect(backend.poolStats().created).toBe(created);
    expect(Number.isFinite(await opt.lastGradNorm!.item())).toBe(true);
    opt.dispose();
    model.dispose();
  });
});
