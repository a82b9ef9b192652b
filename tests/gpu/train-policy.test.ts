// Stage 2's losses on the webgpu backend (Dawn; SwiftShader without a GPU) at toy size: every DPO
// variant and the PPO clipped policy and value losses, forward and gradient, against the cpu
// backend and the PyTorch golden file, on the golden file's inputs.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd';
import { createBackend, type Backend, type Tensor } from '../../src/tensor';
import { dpoLoss, ppoLoss, readDpoMetrics, type DpoOptions } from '../../src/train/policy';
import { testGpu } from '../helpers/node-gpu';

const TOL = 1e-5;
const G = JSON.parse(readFileSync('tests/fixtures/golden/policy-losses.json', 'utf8'));
let gpu: Backend;
let cpu: Backend;

beforeAll(async () => {
  gpu = await createBackend('webgpu', await testGpu());
  cpu = await createBackend('cpu');
});

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(TOL * scale);
}

function leaf(be: Backend, data: number[], shape: number[]): Tensor {
  const t = be.fromData(Float32Array.from(data), shape);
  t.requiresGrad = true;
  return t;
}

async function dpoOn(be: Backend, x: Record<string, number[]>, o: DpoOptions) {
  const B = x.pc.length;
  const pc = leaf(be, x.pc, [B]);
  const pr = leaf(be, x.pr, [B]);
  const r = dpoLoss(
    {
      policyChosen: { sum: pc, counts: x.nc },
      policyRejected: { sum: pr, counts: x.nr },
      referenceChosen: { sum: x.rc, counts: x.nc },
      referenceRejected: { sum: x.rr, counts: x.nr },
    },
    o,
  );
  backward(r.loss);
  return { loss: await r.loss.item(), gc: Array.from(await pc.grad!.data()), gr: Array.from(await pr.grad!.data()), m: await readDpoMetrics(r) };
}

describe('DPO family on webgpu', () => {
  const cases = G.dpo.cases;
  it(`${cases.length} variant and input cases match the cpu backend and PyTorch`, async () => {
    for (const c of cases) {
      const { name, ...o } = c.variant;
      const x = G.dpo.inputs[c.inputs];
      const [g, k] = [await dpoOn(gpu, x, o as DpoOptions), await dpoOn(cpu, x, o as DpoOptions)];
      const what = `${name} on ${c.inputs}`;
      close([g.loss], [k.loss], `${what}: loss vs cpu`);
      close(g.gc, k.gc, `${what}: dL/dchosen vs cpu`);
      close(g.gr, k.gr, `${what}: dL/drejected vs cpu`);
      close([g.loss], [c.loss], `${what}: loss vs PyTorch`);
      close(g.gc, c.grad_chosen, `${what}: dL/dchosen vs PyTorch`);
      expect(g.m['rewards/accuracies'], what).toBe(c.metrics['rewards/accuracies']);
    }
  });
});

describe('PPO clipped losses on webgpu', () => {
  it('policy and value losses and their gradients match the cpu backend and PyTorch', async () => {
    const x = G.ppo.inputs;
    const L = G.ppo.losses;
    const c0 = G.ppo.configs[0];
    const run = async (be: Backend) => {
      const logps = leaf(be, L.new_logprobs, [x.B, x.T]);
      const values = leaf(be, L.vpred, [x.B, x.T]);
      const r = ppoLoss(
        { logps, oldLogps: x.logprobs, advantages: c0.advantages, mask: x.mask },
        { values, oldValues: x.values, returns: c0.returns, mask: x.mask },
        { cliprange: L.cliprange, cliprangeValue: L.cliprange_value, vfCoef: 0.1 },
      );
      backward(r.loss);
      return {
        pg: await r.policy.loss.item(),
        vf: await r.value.loss.item(),
        gl: Array.from(await logps.grad!.data()),
        gv: Array.from(await values.grad!.data()),
      };
    };
    const [g, k] = [await run(gpu), await run(cpu)];
    close([g.pg, g.vf], [k.pg, k.vf], 'losses vs cpu');
    close(g.gl, k.gl, 'd/dlogp vs cpu');
    close(g.gv, k.gv, 'd/dV vs cpu');
    close([g.pg, g.vf], [L.pg_loss, L.vf_loss], 'losses vs PyTorch');
    // The combined loss is pg + 0.1·vf: the value gradient arrives scaled by vf_coef.
    close(g.gl, L.grad_logprobs, 'd/dlogp vs PyTorch');
    close(g.gv, L.grad_values.map((v: number) => 0.1 * v), 'd/dV vs PyTorch');
  });
});
