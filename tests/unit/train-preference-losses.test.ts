// The Bradley–Terry loss and probability (src/train/preference-losses.ts) on the cpu backend:
// the loss against a float64 -mean log σ(m), its gradient against finite differences and against
// the closed form -(1 - σ(m_i)) / B, and the probability's symmetry and extremes.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, gradcheck, parameter } from '../../src/autograd';
import { initCpuBackend, type Backend } from '../../src/tensor';
import { bradleyTerryLoss, preferenceProbability } from '../../src/train/preference-losses';
import { Rng } from '../../src/util/rng';

let be: Backend;
beforeAll(async () => {
  be = await initCpuBackend();
});

const sigma = (x: number) => 1 / (1 + Math.exp(-x));

describe('bradleyTerryLoss', () => {
  it('is -mean log σ(m), in float64 terms, for ordinary and extreme margins', async () => {
    const margins = [...new Rng(3).float32(9, { uniform: [-4, 4] }), 30, -120, 0];
    const expected = -margins.reduce((s, m) => s + Math.log(sigma(m)), 0) / margins.length;
    const loss = bradleyTerryLoss(be.fromData(Float32Array.from(margins), [margins.length]));
    expect(loss.shape).toEqual([]);
    // σ(-120) underflows in f32: log(sigmoid(m)) would make this loss Infinity.
    expect(await loss.item()).toBeCloseTo(expected, 5);
  });

  it('has the gradient of finite differences and of the closed form -(1 - σ(m)) / B', async () => {
    const m = new Rng(11).float32(7, { uniform: [-3, 3] });
    const r = await gradcheck(be, (x) => bradleyTerryLoss(x), [{ data: m, shape: [7] }]);
    expect(r.ok, r.messages.join('\n')).toBe(true);

    const p = parameter(be.fromData(m, [7]), 'margins');
    backward(bradleyTerryLoss(p));
    const g = (await p.grad!.data()) as Float32Array;
    m.forEach((x, i) => expect(g[i]).toBeCloseTo(-(1 - sigma(x)) / 7, 6));
  });

  it('pushes the margin up: one gradient step on the margins lowers the loss', async () => {
    const m = Float32Array.of(-1, 0.5, 2);
    const p = parameter(be.fromData(m, [3]), 'margins');
    const before = bradleyTerryLoss(p);
    backward(before);
    const g = (await p.grad!.data()) as Float32Array;
    expect([...g].every((x) => x < 0)).toBe(true);
    const after = bradleyTerryLoss(be.fromData(Float32Array.from(m, (x, i) => x - g[i]), [3]));
    expect(await after.item()).toBeLessThan(await before.item());
  });
});

describe('preferenceProbability', () => {
  it('is σ(m): 0.5 at a tie, symmetric, finite at extremes', () => {
    expect(preferenceProbability(0)).toBe(0.5);
    for (const m of [-5, -0.3, 0.7, 4]) {
      expect(preferenceProbability(m)).toBeCloseTo(sigma(m), 12);
      expect(preferenceProbability(m) + preferenceProbability(-m)).toBeCloseTo(1, 12);
    }
    expect(preferenceProbability(1000)).toBe(1);
    expect(preferenceProbability(-1000)).toBe(0);
  });
});
