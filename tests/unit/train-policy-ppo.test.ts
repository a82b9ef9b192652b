// PPO and RLOO math on the cpu backend: the clipped losses' gradients against finite differences
// (inputs placed away from the clip boundaries, where the loss has kinks), masked tokens that
// cannot leak into the loss or its gradient, GAE that ignores where the response sits in the row,
// the first epoch's ratio of exactly 1, and the errors for inputs that cannot be whitened.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, gradcheck } from '../../src/autograd';
import { createBackend, type Backend, type Tensor } from '../../src/tensor';
import { clippedPolicyLoss, clippedValueLoss, gae, maskedWhiten, PolicyLossError, ppoLoss, ppoRewards, rlooAdvantages } from '../../src/train/policy';

let be: Backend;
beforeAll(async () => {
  be = await createBackend('cpu');
});

// [2, 4]: row 0 has 4 response tokens, row 1 has 2 then padding.
const mask = [1, 1, 1, 1, 1, 1, 0, 0];
const old = [-1.2, -0.4, -2.5, -0.9, -1.7, -0.3, 0, 0];
// log-ratios whose ratios sit well inside or well outside [0.8, 1.2]: e^-0.6, e^-0.1, e^0.05, e^0.4, ...
const dlog = [-0.6, -0.1, 0.05, 0.4, 0.5, -0.45, 0, 0];
const adv = [1.3, -0.7, 0.9, -1.1, 0.6, 1.5, 0, 0];
const logps = old.map((o, i) => o + dlog[i]);
const oldValues = [0.5, -0.2, 1.1, 0.0, -0.8, 0.3, 0, 0];
// V - V_old well inside or outside ±0.2; returns placed so both squared terms win somewhere.
const values = [1.1, -0.15, 0.4, 0.05, -0.2, 0.6, 0, 0];
const returns = [1.5, 0.4, 0.2, -0.9, 0.1, -1.0, 0, 0];

function leaf(x: number[], shape = [2, 4]): Tensor {
  const t = be.fromData(Float32Array.from(x), shape);
  t.requiresGrad = true;
  return t;
}

describe('clipped losses pass finite differences', () => {
  it('policy loss (ratios clipped and unclipped, both signs of advantage)', async () => {
    const r = await gradcheck(be, (lp) => clippedPolicyLoss({ logps: lp, oldLogps: old, advantages: adv, mask }, { cliprange: 0.2 }).loss, [{ data: Float32Array.from(logps), shape: [2, 4] }]);
    expect(r.ok, r.messages.join('\n')).toBe(true);
  });
  it('value loss (clipped and unclipped predictions)', async () => {
    const r = await gradcheck(be, (v) => clippedValueLoss({ values: v, oldValues, returns, mask }, { cliprangeValue: 0.2 }).loss, [{ data: Float32Array.from(values), shape: [2, 4] }]);
    expect(r.ok, r.messages.join('\n')).toBe(true);
  });
  it('both terms clip somewhere in these inputs (so the checks cover the clipped branches)', async () => {
    // A clipped position has gradient 0.
    const lp = leaf(logps);
    backward(clippedPolicyLoss({ logps: lp, oldLogps: old, advantages: adv, mask }, { cliprange: 0.2 }).loss);
    const g = Array.from(await lp.grad!.data()).slice(0, 6);
    expect(g.filter((x) => x === 0).length).toBeGreaterThan(0);
    expect(g.filter((x) => x !== 0).length).toBeGreaterThan(0);
    const v = leaf(values);
    backward(clippedValueLoss({ values: v, oldValues, returns, mask }, { cliprangeValue: 0.2 }).loss);
    const gv = Array.from(await v.grad!.data()).slice(0, 6);
    expect(gv.filter((x) => x === 0).length).toBeGreaterThan(0);
    expect(gv.filter((x) => x !== 0).length).toBeGreaterThan(0);
  });
});

describe('masked tokens', () => {
  it('garbage off the mask changes neither the losses nor the gradients, and gets gradient 0', async () => {
    const run = async (junk: number) => {
      const lpx = logps.map((x, i) => (mask[i] ? x : junk));
      const oldx = old.map((x, i) => (mask[i] ? x : -junk));
      const advx = adv.map((x, i) => (mask[i] ? x : junk));
      const vx = values.map((x, i) => (mask[i] ? x : junk));
      const lp = leaf(lpx);
      const v = leaf(vx);
      const r = ppoLoss(
        { logps: lp, oldLogps: oldx, advantages: advx, mask },
        { values: v, oldValues: oldValues.map((x, i) => (mask[i] ? x : junk)), returns: returns.map((x, i) => (mask[i] ? x : -junk)), mask },
        { cliprange: 0.2, cliprangeValue: 0.2, vfCoef: 0.1 },
      );
      const loss = await r.loss.item();
      backward(r.loss);
      return { loss, g: Array.from(await lp.grad!.data()), gv: Array.from(await v.grad!.data()) };
    };
    const a = await run(0);
    const b = await run(60);
    expect(b.loss).toBe(a.loss);
    expect(b.g).toEqual(a.g);
    expect(b.gv).toEqual(a.gv);
    expect([a.g[6], a.g[7], b.g[6], b.g[7], b.gv[6], b.gv[7]]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("the first epoch (policy = rollout policy): ratio 1, loss -mean(A), gradient -A/n", async () => {
    const lp = leaf(old);
    const r = clippedPolicyLoss({ logps: lp, oldLogps: old, advantages: adv, mask }, { cliprange: 0.2 });
    const n = 6;
    expect(await r.loss.item()).toBeCloseTo(-adv.reduce((s, a) => s + a, 0) / n, 6);
    backward(r.loss);
    const g = Array.from(await lp.grad!.data());
    adv.forEach((a, i) => expect(g[i]).toBeCloseTo(mask[i] ? -a / n : 0, 6));
  });

  it('GAE and rewards do not depend on where the response sits in the row (prompt before it)', () => {
    // The same two responses, aligned at 0 ([2, 4]) and after 3 and 1 prompt positions ([2, 7]).
    const B = 2;
    const resp = [
      { lp: [-1.2, -0.4, -2.5, -0.9], ref: [-1.0, -0.9, -2.0, -1.4], v: [0.5, -0.2, 1.1, 0.0] },
      { lp: [-1.7, -0.3], ref: [-1.5, -0.6], v: [-0.8, 0.3] },
    ];
    const scores = [0.7, -1.3];
    const layout = (T: number, starts: number[]) => {
      const m = new Array(B * T).fill(0);
      const lp = new Array(B * T).fill(0);
      const ref = new Array(B * T).fill(0);
      const v = new Array(B * T).fill(0);
      resp.forEach((r, b) =>
        r.lp.forEach((_, j) => {
          const i = b * T + starts[b] + j;
          m[i] = 1;
          lp[i] = r.lp[j];
          ref[i] = r.ref[j];
          v[i] = r.v[j];
        }),
      );
      // Off-mask values are garbage on purpose: GAE must treat them as 0.
      v.forEach((_, i) => (v[i] = m[i] ? v[i] : 9));
      const base = { B, T, mask: m };
      const rw = ppoRewards({ ...base, logps: lp, refLogps: ref, scores }, { klCoef: 0.1 });
      const a = gae({ ...base, rewards: rw.rewards, values: v }, { gamma: 0.95, lam: 0.9 });
      return resp.map((r, b) => ({
        adv: r.lp.map((_, j) => a.advantages[b * T + starts[b] + j]),
        ret: r.lp.map((_, j) => a.returns[b * T + starts[b] + j]),
      }));
    };
    const aligned = layout(4, [0, 0]);
    const shifted = layout(7, [3, 1]);
    shifted.forEach((s, b) => {
      s.adv.forEach((x, j) => expect(x).toBeCloseTo(aligned[b].adv[j], 12));
      s.ret.forEach((x, j) => expect(x).toBeCloseTo(aligned[b].ret[j], 12));
    });
  });
});

describe('errors', () => {
  it('names what cannot be computed', () => {
    expect(() => maskedWhiten([1, 2, 3], [0, 1, 0])).toThrow(/at least 2 masked tokens/);
    expect(() => maskedWhiten([1, 2], [0, 0])).toThrow(PolicyLossError);
    expect(() => ppoRewards({ B: 2, T: 2, mask: [1, 1, 0, 0], logps: [0, 0, 0, 0], refLogps: [0, 0, 0, 0], scores: [1, 2] }, { klCoef: 0.1 })).toThrow(/row 1 has no response token/);
    expect(() => rlooAdvantages([1, 2, 3], { k: 1 })).toThrow(/k must be an integer >= 2/);
    expect(() => rlooAdvantages([1, 2, 3], { k: 2 })).toThrow(/whole number of groups/);
    expect(() => clippedPolicyLoss({ logps: leaf(logps), oldLogps: old, advantages: adv, mask: new Array(8).fill(0) }, { cliprange: 0.2 })).toThrow(/selects no tokens/);
    expect(() => clippedPolicyLoss({ logps: leaf(logps), oldLogps: old.slice(1), advantages: adv, mask }, { cliprange: 0.2 })).toThrow(/oldLogps has 7 values/);
  });
});
