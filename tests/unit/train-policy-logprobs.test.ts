// Response log-probs for the policy losses on the tiny Llama checkpoint (cpu backend): the helper
// agrees with models/scoring, the pair helper's one forward over [chosen, rejected] equals scoring
// each side alone, and the DPO loss differentiated through the model and a LoRA adapter matches a
// finite-difference directional derivative; PPO's per-token log-probs carry gradients the same way.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, noGrad } from '../../src/autograd';
import { openCheckpoint, type OpenedCheckpoint } from '../../src/models/checkpoint';
import { folderFiles } from '../../src/models/io/node-files';
import { LlamaModel } from '../../src/models/llama/model';
import { LoraAdapter } from '../../src/models/lora/adapter';
import { scoreBatches } from '../../src/models/scoring';
import { createBackend, tidy, type Backend } from '../../src/tensor';
import { clippedPolicyLoss, dpoLoss, pairLogProbs, readPairLogProbs, readResponseLogProbs, responseLogProbs, type PreferenceRow } from '../../src/train/policy';
import { Rng } from '../../src/util/rng';

let be: Backend;
let ck: OpenedCheckpoint;
let model: LlamaModel;
let pairs: PreferenceRow[];

beforeAll(async () => {
  be = await createBackend('cpu');
  ck = await openCheckpoint(await folderFiles('tests/fixtures/tiny-checkpoint/llama-f32'));
  model = await LlamaModel.load(be, ck.config, ck.weights);
  const enc = (s: string) => ck.tokenizer.encode(s);
  pairs = [
    { prompt: enc('Which answer'), chosen: enc(' do you prefer today'), rejected: enc(' no') },
    { prompt: enc('A longer question about the weather'), chosen: enc(' sun'), rejected: enc(' rain and more rain later') },
  ];
});

const opts = () => ({ padId: ck.tokenizer.padId });

describe('response log-probs', () => {
  it('sums, counts and mask agree with models/scoring', async () => {
    const rows = pairs.map((p) => ({ prompt: p.prompt, response: p.chosen }));
    const got = await readResponseLogProbs(model, rows, opts());
    const want = await scoreBatches(model, rows, opts());
    got.sum.forEach((s, b) => expect(s).toBeCloseTo(want.sum[b], 5));
    expect(got.counts).toEqual(want.tokens);
    expect(got.counts).toEqual(rows.map((r) => r.response.length));
    const { T } = got.batch;
    got.counts.forEach((n, b) => {
      let masked = 0;
      let total = 0;
      for (let t = 0; t < T; t++) {
        masked += got.mask[b * T + t];
        total += got.tokens[b * T + t];
        if (!got.mask[b * T + t]) expect(Math.abs(got.tokens[b * T + t])).toBe(0);
      }
      expect(masked).toBe(n);
      expect(total).toBeCloseTo(got.sum[b], 5);
    });
  });

  it('one forward over chosen and rejected equals scoring each side alone', async () => {
    const both = await readPairLogProbs(model, pairs, opts());
    for (const side of ['chosen', 'rejected'] as const) {
      const alone = await scoreBatches(model, pairs.map((p) => ({ prompt: p.prompt, response: p[side] })), opts());
      Array.from(both[side].sum as number[]).forEach((s, b) => expect(s).toBeCloseTo(alone.sum[b], 4));
      expect(Array.from(both[side].counts)).toEqual(alone.tokens);
    }
  });
});

describe('losses through the model', () => {
  it('the DPO gradient w.r.t. a LoRA adapter matches a finite-difference directional derivative', async () => {
    const lora = LoraAdapter.create(be, ck.config, { rank: 2, alpha: 4, dropout: 0, targets: ['q_proj', 'v_proj', 'up_proj'] }, new Rng(3));
    const params = lora.parameters();
    // Move off B = 0 (where the policy equals the reference and A's gradient vanishes).
    const rng = new Rng(5);
    for (const p of params) be.assign(p, be.fromData(rng.float32(p.size, { normal: 0.05 }), p.shape));
    const reference = await readPairLogProbs(model, pairs, opts());
    const loss = () => {
      const pol = pairLogProbs(model, pairs, { ...opts(), adapter: lora });
      return dpoLoss({ policyChosen: pol.chosen, policyRejected: pol.rejected, referenceChosen: reference.chosen, referenceRejected: reference.rejected }, { loss: 'sigmoid', beta: 0.5 }).loss;
    };
    tidy(() => backward(loss()));
    const dirs = params.map((p) => rng.float32(p.size, { normal: 1 }));
    let analytic = 0;
    for (let i = 0; i < params.length; i++) {
      const g = await params[i].grad!.data();
      for (let j = 0; j < g.length; j++) analytic += g[j] * dirs[i][j];
    }
    const base = await Promise.all(params.map(async (p) => Float32Array.from(await p.data())));
    const at = async (h: number) => {
      params.forEach((p, i) => be.assign(p, be.fromData(base[i].map((x, j) => x + h * dirs[i][j]), p.shape)));
      const t = noGrad(() => tidy(() => loss()));
      const v = await t.item();
      t.dispose();
      return v;
    };
    // Central differences at h and h/2, Richardson-extrapolated (error O(h^4)), as autograd's gradcheck.
    const h = 1e-2;
    const d1 = ((await at(h)) - (await at(-h))) / (2 * h);
    const d2 = ((await at(h / 2)) - (await at(-h / 2))) / h;
    const numeric = (4 * d2 - d1) / 3;
    expect(Math.abs(analytic)).toBeGreaterThan(1e-3);
    expect(Math.abs(numeric - analytic)).toBeLessThan(3e-4 * Math.max(1, Math.abs(analytic)));
    lora.dispose();
  });

  it("PPO's per-token log-probs carry the policy gradient to the adapter", async () => {
    const lora = LoraAdapter.create(be, ck.config, { rank: 2, alpha: 4, dropout: 0, targets: ['q_proj'] }, new Rng(4));
    const rows = pairs.map((p) => ({ prompt: p.prompt, response: p.chosen }));
    const old = await readResponseLogProbs(model, rows, opts());
    const adv = Float32Array.from(old.mask, (m, i) => (m ? ((i % 3) - 1) * 0.8 : 0));
    tidy(() => {
      const r = responseLogProbs(model, rows, { ...opts(), adapter: lora });
      backward(clippedPolicyLoss({ logps: r.tokens, oldLogps: old.tokens, advantages: adv, mask: r.mask }, { cliprange: 0.2 }).loss);
    });
    const [, b] = lora.parameters();
    expect(Math.max(...Array.from(await b.grad!.data(), Math.abs))).toBeGreaterThan(0);
    for (const [name, t] of model.namedParameters()) expect(t.grad, name).toBeNull();
    lora.dispose();
  });
});
