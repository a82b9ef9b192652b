// Stage 2's losses against the independent PyTorch (float64) implementation of TRL's formulas in
// scripts/golden/write_policy_golden.py (tests/fixtures/golden/policy-losses.json), on the cpu
// backend: every DPO variant's loss, gradient and metrics; PPO's rewards, GAE, returns, whitened
// advantages and rollout metrics; the clipped policy and value losses with their gradients and
// clip fractions; RLOO's advantages and sequence-level loss. Tolerance 1e-5 relative to max(1, |x|).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd';
import { createBackend, type Backend, type Tensor } from '../../src/tensor';
import {
  clippedPolicyLoss,
  clippedValueLoss,
  dpoLoss,
  gae,
  policyStats,
  ppoRewards,
  readDpoMetrics,
  rlooAdvantages,
  rlooRewards,
  rolloutMetrics,
  valueStats,
  type DpoOptions,
  type KlEstimator,
} from '../../src/train/policy';

const TOL = 1e-5;
const G = JSON.parse(readFileSync('tests/fixtures/golden/policy-losses.json', 'utf8'));

let be: Backend;
beforeAll(async () => {
  be = await createBackend('cpu');
});

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(TOL * scale);
  }
}

function leaf(data: number[], shape: number[]): Tensor {
  const t = be.fromData(Float32Array.from(data), shape);
  t.requiresGrad = true;
  return t;
}

describe('DPO family against PyTorch', () => {
  for (const c of G.dpo.cases) {
    it(`${c.variant.name} on ${c.inputs} pairs: loss, gradient and TRL's metrics`, async () => {
      const x = G.dpo.inputs[c.inputs];
      const B = x.pc.length;
      const pc = leaf(x.pc, [B]);
      const pr = leaf(x.pr, [B]);
      const { name: _name, ...options } = c.variant;
      const r = dpoLoss(
        {
          policyChosen: { sum: pc, counts: x.nc },
          policyRejected: { sum: pr, counts: x.nr },
          referenceChosen: { sum: x.rc, counts: x.nc },
          referenceRejected: { sum: x.rr, counts: x.nr },
        },
        options as DpoOptions,
      );
      close([await r.loss.item()], [c.loss], 'loss');
      backward(r.loss);
      close(await pc.grad!.data(), c.grad_chosen, 'dL/d chosen');
      close(await pr.grad!.data(), c.grad_rejected, 'dL/d rejected');
      const m = await readDpoMetrics(r);
      expect(Object.keys(m).sort()).toEqual(Object.keys(c.metrics).sort());
      for (const [k, v] of Object.entries(c.metrics)) close([m[k as keyof typeof m]!], [v as number], k);
    });
  }
});

describe('PPO against PyTorch', () => {
  const x = G.ppo.inputs;
  const base = { B: x.B, T: x.T, mask: x.mask };
  for (const c of G.ppo.configs) {
    it(`rewards, GAE, returns, whitening and rollout metrics (${c.config.name})`, () => {
      const r = ppoRewards({ ...base, logps: x.logprobs, refLogps: x.ref_logprobs, scores: x.scores }, { klCoef: c.config.klCoef, klEstimator: c.config.klEstimator as KlEstimator });
      close(r.kl, c.kl, 'kl');
      close(r.nonScoreReward, c.non_score_reward, 'non_score_reward');
      const a = gae({ ...base, rewards: r.rewards, values: x.values }, { gamma: c.config.gamma, lam: c.config.lam, whitenRewards: c.config.whitenRewards });
      close(a.raw, c.raw_advantages, 'raw advantages');
      close(a.returns, c.returns, 'returns');
      close(a.advantages, c.advantages, 'whitened advantages');
      const m = rolloutMetrics({ ...base, kl: r.kl, logps: x.logprobs, scores: x.scores, klCoef: c.config.klCoef });
      for (const [k, v] of Object.entries(c.metrics)) close([m[k as keyof typeof m]], [v as number], k);
    });
  }

  it('clipped policy and value losses: values, gradients, clip fractions, approx KL', async () => {
    const L = G.ppo.losses;
    const c0 = G.ppo.configs[0];
    const logps = leaf(L.new_logprobs, [x.B, x.T]);
    const p = clippedPolicyLoss({ logps, oldLogps: x.logprobs, advantages: c0.advantages, mask: x.mask }, { cliprange: L.cliprange });
    close([await p.loss.item()], [L.pg_loss], 'pg_loss');
    backward(p.loss);
    close(await logps.grad!.data(), L.grad_logprobs, 'dpg/dlogp');
    const ps = policyStats(await p.logRatio.data(), c0.advantages, x.mask, L.cliprange);
    close([ps.clipfrac, ps.approxkl, ps.loss], [L.pg_clipfrac, L.approxkl, L.pg_loss], 'policy stats');
    expect(L.pg_clipfrac).toBeGreaterThan(0);

    const values = leaf(L.vpred, [x.B, x.T]);
    const v = clippedValueLoss({ values, oldValues: x.values, returns: c0.returns, mask: x.mask }, { cliprangeValue: L.cliprange_value });
    close([await v.loss.item()], [L.vf_loss], 'vf_loss');
    backward(v.loss);
    close(await values.grad!.data(), L.grad_values, 'dvf/dV');
    const vs = valueStats(await v.values.data(), x.values, c0.returns, x.mask, L.cliprange_value);
    close([vs.loss, vs.clipfrac], [L.vf_loss, L.vf_clipfrac], 'value stats');
    expect(L.vf_clipfrac).toBeGreaterThan(0);
  });
});

describe('RLOO against PyTorch', () => {
  const R = G.rloo;
  it('leave-one-out advantages (plain and normalised) and the sequence-level clipped loss', async () => {
    const rewards = rlooRewards(R.scores, R.kl_sums, R.kl_coef);
    close(rewards, R.rlhf_reward, 'rlhf_reward');
    close(rlooAdvantages(rewards, { k: R.K }), R.advantages, 'advantages');
    close(rlooAdvantages(rewards, { k: R.K, normalize: true }), R.advantages_normalized, 'normalised advantages');
    const N = R.P * R.K;
    const logps = leaf(R.new_logps, [N]);
    const mask = new Float32Array(N).fill(1);
    const p = clippedPolicyLoss({ logps, oldLogps: R.old_logps, advantages: R.advantages, mask }, { cliprange: R.cliprange });
    close([await p.loss.item()], [R.pg_loss], 'pg_loss');
    backward(p.loss);
    close(await logps.grad!.data(), R.grad_logps, 'dpg/dlogp');
    expect(policyStats(await p.logRatio.data(), R.advantages, mask, R.cliprange).clipfrac).toBeCloseTo(R.pg_clipfrac, 10);
  });
});
