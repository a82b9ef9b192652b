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

const HYPER = { lr: 0.05, b1: 0.9, b2: 0.99, eps: 1e-8, wd: 0.1 };

/** Reference: AdamW steps on p where step t's gradient is grads[t] (loss = sum(g_t * p)). */
function reference(p0: number[], grads: number[][], clip: number | null): number[] {
  const o = HYPER;
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
    const c = clip === null ? 1 : Math.min(1, clip / (norm + 1e-6));
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * c;
      p[i] *= 1 - o.lr * o.wd;
      m[i] = o.b1 * m[i] + (1 - o.b1) * gi;
      v[i] = o.b2 * v[i] + (1 - o.b2) * gi * gi;
      const mh = m[i] / (1 - o.b1 ** t);
      const vh = v[i] / (1 - o.b2 ** t);
      p[i] -= (o.lr * mh) / (Math.sqrt(vh) + o.eps);
    }
  });
  return p;
}

const P0 = [0.5, -1, 2, 0.25];
// Gradient norms that grow step by step (13, 52, 91, ...): clipping changes the trajectory.
const GRADS = Array.from({ length: 5 }, (_, s) => [3, -4, 0, 12].map((x) => x * (1 + 3 * s)));

async function run(clip: number | null) {
  const p = parameter(be.fromData(P0, [4]), 'p');
  const opt = new AdamW([p], { lr: HYPER.lr, beta1: HYPER.b1, beta2: HYPER.b2, eps: HYPER.eps, weightDecay: HYPER.wd, clipNorm: clip });
  const norms: number[] = [];
  for (const g of GRADS) {
    backward(sum(mul(p, be.fromData(g, [4]))));
    norms.push(await opt.update()!.item());
  }
  return { p: Array.from(await p.data()), norms };
}

describe('AdamW', () => {
  it('matches torch AdamW (decoupled weight decay, bias correction) without clipping', async () => {
    const r = await run(null);
    const expected = reference(P0, GRADS, null);
    r.p.forEach((x, i) => expect(x).toBeCloseTo(expected[i], 6));
  });

  it('clips by global norm on the device and reports the pre-clip norm', async () => {
    const r = await run(1);
    const expected = reference(P0, GRADS, 1);
    r.p.forEach((x, i) => expect(x).toBeCloseTo(expected[i], 6));
    expect(r.norms.map((n) => Math.round(n))).toEqual([13, 52, 91, 130, 169]);
    // The clipped and unclipped trajectories differ, so the comparison above saw the clip.
    const unclipped = reference(P0, GRADS, null);
    expect(Math.max(...expected.map((x, i) => Math.abs(x - unclipped[i])))).toBeGreaterThan(1e-3);
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
