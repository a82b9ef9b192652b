// nn modules (names, freezing, Linear/RMSNorm forward through the tape) and train's run-health
// checks, on the cpu backend.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, gradcheck, sum } from '../../src/autograd';
import { Linear, Module, RMSNorm } from '../../src/nn';
import { initCpuBackend, ShapeError, type Backend } from '../../src/tensor';
import { assertFinite, NonFiniteLossError, readMetrics } from '../../src/train';
import { Rng } from '../../src/util/rng';

let be: Backend;
beforeAll(async () => {
  be = await initCpuBackend();
});

describe('nn modules', () => {
  it('name parameters with dotted paths and freeze whole sub-trees', () => {
    const root = new Module();
    const block = root.addModule('layers', new Module()).addModule('0', new Module());
    const q = block.addModule('q_proj', Linear.init(be, 4, 6, { seed: 1, bias: true }));
    block.addModule('norm', RMSNorm.init(be, 4));
    expect(root.namedParameters().map(([n, t]) => [n, t.shape])).toEqual([
      ['layers.0.q_proj.weight', [6, 4]],
      ['layers.0.q_proj.bias', [6]],
      ['layers.0.norm.weight', [4]],
    ]);
    expect(q.weight.name).toBe('weight');
    q.freeze();
    expect(root.trainableParameters()).toHaveLength(1);
    root.unfreeze();
    expect(root.trainableParameters()).toHaveLength(3);
  });

  it('Linear is x @ W^T + b on inputs of any rank, naming shapes on mismatch', async () => {
    const lin = new Linear(be.fromData([1, 0, 0, 1, 1, 1], [3, 2]), be.fromData([0, 0, 10], [3]));
    expect(Array.from(await lin.forward(be.fromData([2, 3], [2])).data())).toEqual([2, 3, 15]);
    expect(lin.forward(be.zeros([2, 5, 2])).shape).toEqual([2, 5, 3]);
    expect(() => lin.forward(be.zeros([2, 4]))).toThrow(ShapeError);
    expect(() => lin.forward(be.zeros([2, 4]))).toThrow(/\[2, 4\].*in_features 2.*\[3, 2\]/);
  });

  it('Linear and RMSNorm gradients pass finite differences', async () => {
    const rng = new Rng(3);
    const x = { data: rng.float32(12), shape: [2, 2, 3] };
    const w = { data: rng.float32(12), shape: [4, 3] };
    const b = { data: rng.float32(4), shape: [4] };
    const r = await gradcheck(be, (xx, ww, bb) => new Linear(ww, bb).forward(xx), [x, w, b]);
    expect(r.ok, r.messages.join('\n')).toBe(true);
    const g = { data: rng.float32(3, { uniform: [0.5, 1.5] }), shape: [3] };
    const n = await gradcheck(be, (xx, gg) => new RMSNorm(gg, 1e-5).forward(xx), [x, g]);
    expect(n.ok, n.messages.join('\n')).toBe(true);
  });

  it('a frozen layer still passes gradients to its input', async () => {
    const lin = Linear.init(be, 3, 3, { seed: 5 }).freeze();
    const x = be.fromData([1, 2, 3], [1, 3]);
    x.requiresGrad = true;
    backward(sum(lin.forward(x)));
    expect(x.grad?.shape).toEqual([1, 3]);
    expect(lin.weight.grad).toBeNull();
  });
});

describe('run health', () => {
  it('stops on a NaN or infinite loss with a named error', async () => {
    expect(assertFinite('loss', 1.5, 3)).toBe(1.5);
    expect(() => assertFinite('loss', Number.NaN, 7)).toThrow(NonFiniteLossError);
    expect(() => assertFinite('loss', Infinity, 7)).toThrow(/step 7: loss is Infinity/);
    const ok = await readMetrics(2, { loss: be.fromData([0.5], [1]), gradNorm: be.fromData([3], [1]) });
    expect(ok).toEqual({ loss: 0.5, gradNorm: 3 });
    await expect(readMetrics(9, { loss: be.fromData([Number.NaN], [1]) })).rejects.toThrow(/step 9: loss is NaN/);
  });
});
