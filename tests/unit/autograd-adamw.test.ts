// AdamW on the cpu backend against a hand-written float64 AdamW (torch.optim.AdamW's update) with
// clip_grad_norm_'s clipping, and what the optimizer must skip.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, mul, parameter, sum } from '../../src/autograd';
import { initCpuBackend, type Backend } from '../../src/tensor';
import { AdamW } from '../../src/train';

let be: Backend;
beforeAll(async () => {
  be = await initCpuBackend();
});

/** Reference: `steps` AdamW steps on p with constant gradient g (loss = sum(g * p)). */
function reference(p0: number[], g: number[], steps: number, o: { lr: number; b1: number; b2: number; eps: number; wd: number; clip: number | null }) {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
    const c = o.clip === null ? 1 : Math.min(1, o.clip / (norm + 1e-6));
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * c;
      p[i] *= 1 - o.lr * o.wd;
      m[i] = o.b1 * m[i] + (1 - o.b1) * gi;
      v[i] = o.b2 * v[i] + (1 - o.b2) * gi * gi;
      const mh = m[i] / (1 - o.b1 ** t);
      const vh = v[i] / (1 - o.b2 ** t);
      p[i] -= (o.lr * mh) / (Math.sqrt(vh) + o.eps);
    }
  }
  return p;
}

async function run(clip: number | null, g: number[]) {
  const p0 = [0.5, -1, 2, 0.25];
  const p = parameter(be.fromData(p0, [4]), 'p');
  const opt = new AdamW([p], { lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, clipNorm: clip });
  const gt = be.fromData(g, [4]);
  const norms: number[] = [];
  for (let s = 0; s < 5; s++) {
    backward(sum(mul(p, gt)));
    norms.push(await opt.update()!.item());
  }
  return { p: Array.from(await p.data()), norms, expected: reference(p0, g, 5, { lr: 0.05, b1: 0.9, b2: 0.99, eps: 1e-8, wd: 0.1, clip }) };
}

describe('AdamW', () => {
  it('matches torch AdamW (weight decay, bias correction) without clipping', async () => {
    const r = await run(null, [0.3, -2, 0.01, 5]);
    r.p.forEach((x, i) => expect(x).toBeCloseTo(r.expected[i], 6));
  });

  it('clips by global norm on the device and reports the pre-clip norm', async () => {
    const g = [3, -4, 0, 12]; // norm 13
    const r = await run(1, g);
    r.p.forEach((x, i) => expect(x).toBeCloseTo(r.expected[i], 6));
    expect(r.norms[0]).toBeCloseTo(13, 5);
    // Clipping a norm-13 gradient to 1 is the same as feeding the gradient divided by 13.
    const unclipped = await run(null, g.map((x) => x / 13));
    unclipped.p.forEach((x, i) => expect(x).toBeCloseTo(r.p[i], 5));
  });

  it('skips frozen parameters and parameters without a gradient', async () => {
    const a = parameter(be.fromData([1, 1], [2]));
    const b = parameter(be.fromData([1, 1], [2]));
    const opt = new AdamW([a, b], { lr: 0.1 });
    b.requiresGrad = false;
    backward(sum(mul(a, b)));
    opt.update();
    expect(Array.from(await b.data())).toEqual([1, 1]);
    expect(Array.from(await a.data()).every((x) => x < 1)).toBe(true);
    expect(opt.step).toBe(1);
    expect(a.grad).toBeNull();
    expect(opt.update()).toBeNull();
  });
});
