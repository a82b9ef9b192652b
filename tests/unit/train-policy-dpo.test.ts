// The DPO family on the tape (cpu backend): each variant's gradient against finite differences,
// and the edge cases the golden file does not pin: exact ties, saturated margins, option checks.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, gradcheck } from '../../src/autograd';
import { createBackend, type Backend, type Tensor } from '../../src/tensor';
import { DPO_LOSS_TYPES, dpoLoss, PolicyLossError, readDpoMetrics, type DpoOptions } from '../../src/train/policy';
import { Rng } from '../../src/util/rng';

let be: Backend;
beforeAll(async () => {
  be = await createBackend('cpu');
});

const B = 6;
const rng = new Rng(11);
const draw = () => Array.from({ length: B }, () => -5 - 30 * rng.next());
const data = { pc: draw(), pr: draw(), rc: draw(), rr: draw(), nc: [3, 8, 12, 5, 20, 9], nr: [4, 6, 15, 7, 11, 10] };

const OPTIONS: Record<string, DpoOptions> = {
  sigmoid: { loss: 'sigmoid', beta: 0.1 },
  'sigmoid-ls': { loss: 'sigmoid', beta: 0.1, labelSmoothing: 0.2 },
  robust: { loss: 'robust', beta: 0.2, labelSmoothing: 0.15 },
  hinge: { loss: 'hinge', beta: 0.05 },
  ipo: { loss: 'ipo', beta: 0.5 },
  simpo: { loss: 'simpo', beta: 2, simpoGamma: 0.8 },
  rpo: { loss: 'rpo', beta: 0.1, rpoAlpha: 0.5 },
};

function lossOf(pc: Tensor, pr: Tensor, o: DpoOptions, d = data): Tensor {
  return dpoLoss(
    {
      policyChosen: { sum: pc, counts: d.nc },
      policyRejected: { sum: pr, counts: d.nr },
      referenceChosen: { sum: d.rc, counts: d.nc },
      referenceRejected: { sum: d.rr, counts: d.nr },
    },
    o,
  ).loss;
}

describe('DPO gradients pass finite differences', () => {
  it('covers every loss type', () => {
    expect(new Set(Object.values(OPTIONS).map((o) => o.loss))).toEqual(new Set(DPO_LOSS_TYPES));
  });
  for (const [name, o] of Object.entries(OPTIONS)) {
    it(name, async () => {
      // The hinge's kink must be farther than a step from every pair (else the check is meaningless).
      if (o.loss === 'hinge') {
        data.pc.forEach((_, i) => expect(Math.abs(1 - o.beta * (data.pc[i] - data.pr[i] - (data.rc[i] - data.rr[i])))).toBeGreaterThan(0.05));
      }
      const r = await gradcheck(be, (pc, pr) => lossOf(pc, pr, o), [
        { data: Float32Array.from(data.pc), shape: [B] },
        { data: Float32Array.from(data.pr), shape: [B] },
      ]);
      expect(r.ok, r.messages.join('\n')).toBe(true);
    });
  }
});

function leaf(x: number[]): Tensor {
  const t = be.fromData(Float32Array.from(x), [x.length]);
  t.requiresGrad = true;
  return t;
}

describe('per-pair weights on the preference term', () => {
  const inputs = (pc: Tensor, pr: Tensor, weights?: number[]) => ({
    policyChosen: { sum: pc, counts: data.nc },
    policyRejected: { sum: pr, counts: data.nr },
    referenceChosen: { sum: data.rc, counts: data.nc },
    referenceRejected: { sum: data.rr, counts: data.nr },
    ...(weights ? { weights } : {}),
  });
  it('all ones are no weights; a zero leaves that pair only the NLL (rpo) and no gradient on its rejected answer', async () => {
    for (const o of [OPTIONS.sigmoid, OPTIONS.rpo]) {
      const plain = await dpoLoss(inputs(leaf(data.pc), leaf(data.pr)), o).loss.data();
      const ones = await dpoLoss(inputs(leaf(data.pc), leaf(data.pr), Array(B).fill(1)), o).loss.data();
      expect(ones[0]).toBeCloseTo(plain[0], 6);
    }
    const w = [0, 1, 1, 0.5, 1, 1];
    const pc = leaf(data.pc);
    const pr = leaf(data.pr);
    const r = dpoLoss(inputs(pc, pr, w), OPTIONS.rpo);
    backward(r.loss);
    const gr = await pr.grad!.data();
    const gc = await pc.grad!.data();
    expect(Math.abs(gr[0])).toBe(0);
    expect(gr[1]).not.toBe(0);
    // Row 0's chosen answer keeps RPO's NLL gradient: -α / Σ n_c.
    const tokens = data.nc.reduce((s, n) => s + n, 0);
    expect(gc[0]).toBeCloseTo(-0.5 / tokens, 6);
    // Row 3 at half weight: half of row 3's preference gradient at weight 1.
    const r1pr = leaf(data.pr);
    backward(dpoLoss(inputs(leaf(data.pc), r1pr, [0, 1, 1, 1, 1, 1]), OPTIONS.rpo).loss);
    expect(gr[3]).toBeCloseTo(((await r1pr.grad!.data())[3]) / 2, 7);
    // The weighted gradient passes finite differences.
    const g = await gradcheck(be, (a, b) => dpoLoss(inputs(a, b, w), OPTIONS.rpo).loss, [
      { data: Float32Array.from(data.pc), shape: [B] },
      { data: Float32Array.from(data.pr), shape: [B] },
    ]);
    expect(g.ok, g.messages.join('\n')).toBe(true);
  });
  it('refuses weights that do not fit', () => {
    expect(() => dpoLoss(inputs(leaf(data.pc), leaf(data.pr), [1, 1]), OPTIONS.sigmoid)).toThrow(PolicyLossError);
    expect(() => dpoLoss(inputs(leaf(data.pc), leaf(data.pr), [1, 1, 1, 1, 1, 2]), OPTIONS.sigmoid)).toThrow(PolicyLossError);
  });
});

describe('DPO edge cases', () => {
  it('ties: z = 0 gives log 2 (sigmoid), the hinge at 1, IPO at 1/(2β)², and accuracy 0', async () => {
    const tie = { pc: [-10, -20], pr: [-10, -20], rc: [-12, -7], rr: [-12, -7], nc: [4, 4], nr: [4, 4] };
    const run = async (o: DpoOptions) => {
      const r = dpoLoss(
        {
          policyChosen: { sum: leaf(tie.pc), counts: tie.nc },
          policyRejected: { sum: leaf(tie.pr), counts: tie.nr },
          referenceChosen: { sum: tie.rc, counts: tie.nc },
          referenceRejected: { sum: tie.rr, counts: tie.nr },
        },
        o,
      );
      return { loss: await r.loss.item(), m: await readDpoMetrics(r) };
    };
    const s = await run({ loss: 'sigmoid', beta: 0.1 });
    expect(s.loss).toBeCloseTo(Math.log(2), 6);
    expect(s.m['rewards/accuracies']).toBe(0);
    expect(s.m['rewards/margins']).toBe(0);
    expect((await run({ loss: 'hinge', beta: 0.1 })).loss).toBeCloseTo(1, 6);
    expect((await run({ loss: 'ipo', beta: 0.25 })).loss).toBeCloseTo(4, 5);
    // Label smoothing is symmetric at z = 0: robust and cDPO both stay at log 2.
    expect((await run({ loss: 'robust', beta: 0.1, labelSmoothing: 0.3 })).loss).toBeCloseTo(Math.log(2), 6);
  });

  it('large margins stay finite: a won pair has loss and gradient near 0, a lost one a slope of β', async () => {
    // z = +1000 and z = -1000 nats with β = 0.5: σ is saturated far beyond f32's range of exp.
    const pc = leaf([-1, -1001]);
    const pr = leaf([-1001, -1]);
    const d = { ...data, rc: [-5, -5], rr: [-5, -5], nc: [10, 10], nr: [10, 10] };
    const loss = lossOf(pc, pr, { loss: 'sigmoid', beta: 0.5 }, d);
    const v = await loss.item();
    expect(v).toBeCloseTo((0 + 500) / 2, 3);
    backward(loss);
    const g = Array.from(await pc.grad!.data());
    expect(g.every(Number.isFinite)).toBe(true);
    expect(Math.abs(g[0])).toBeLessThan(1e-20);
    expect(g[1]).toBeCloseTo(-0.5 / 2, 6);
    expect(Array.from(await pr.grad!.data())[1]).toBeCloseTo(0.5 / 2, 6);
  });

  it('SimPO needs no reference; the others say which side is missing', () => {
    const pc = leaf(data.pc);
    const pr = leaf(data.pr);
    expect(() => dpoLoss({ policyChosen: { sum: pc, counts: data.nc }, policyRejected: { sum: pr, counts: data.nr } }, { loss: 'simpo', beta: 2 })).not.toThrow();
    expect(() => dpoLoss({ policyChosen: { sum: pc, counts: data.nc }, policyRejected: { sum: pr, counts: data.nr } }, { loss: 'sigmoid', beta: 0.1 })).toThrow(/referenceChosen/);
  });

  it('refuses options and inputs that do not fit, with PolicyLossError', () => {
    const pc = leaf(data.pc);
    const pr = leaf(data.pr);
    const inputs = {
      policyChosen: { sum: pc, counts: data.nc },
      policyRejected: { sum: pr, counts: data.nr },
      referenceChosen: { sum: data.rc, counts: data.nc },
      referenceRejected: { sum: data.rr, counts: data.nr },
    };
    const bad: Array<[DpoOptions, RegExp]> = [
      [{ loss: 'sigmoid', beta: 0 }, /beta/],
      [{ loss: 'robust', beta: 0.1, labelSmoothing: 0.5 }, /labelSmoothing/],
      [{ loss: 'sigmoid', beta: 0.1, labelSmoothing: -0.1 }, /labelSmoothing/],
      [{ loss: 'rpo', beta: 0.1, rpoAlpha: -1 }, /rpoAlpha/],
      [{ loss: 'kto' as never, beta: 0.1 }, /unknown loss/],
    ];
    for (const [o, msg] of bad) {
      expect(() => dpoLoss(inputs, o)).toThrow(PolicyLossError);
      expect(() => dpoLoss(inputs, o)).toThrow(msg);
    }
    expect(() => dpoLoss({ ...inputs, policyChosen: { sum: pc, counts: [0, ...data.nc.slice(1)] } }, { loss: 'ipo', beta: 0.1 })).toThrow(/at least one/);
    expect(() => dpoLoss({ ...inputs, policyChosen: { sum: pc, counts: [0, ...data.nc.slice(1)] } }, { loss: 'rpo', beta: 0.1 })).toThrow(/at least one/);
    expect(() => dpoLoss({ ...inputs, referenceChosen: { sum: [1, 2], counts: data.nc } }, { loss: 'sigmoid', beta: 0.1 })).toThrow(/2 values for 6 pairs/);
    expect(() => dpoLoss({ ...inputs, policyChosen: { sum: data.pc, counts: data.nc } }, { loss: 'sigmoid', beta: 0.1 })).toThrow(/must be tensors/);
  });
});
