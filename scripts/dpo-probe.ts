// A diagnostic for conditional DPO on the built-in world (docs/policies.md, "Why conditional DPO
// does not learn the persona here"): trains the persona-blind SFT policy by DPO on pole pairs of
// seen personas (full finetune, the runner's DpoPolicyModel) and reads, every few steps, the
// implicit reward's accuracy β((π_c − ρ_c) − (π_r − ρ_r)) > 0 on held-out pole pairs of *unseen*
// personas, and optionally on the training pairs. No generation and no truth judge, so a probe
// answers "does it fit?" (train accuracy → 1) and "does it generalize?" (held-out accuracy above
// chance; about 78% is the ceiling, the labels' agreement with the persona's Bayes pole) in
// minutes instead of a policy run's hour. Settings through the environment (all optional):
//   N pairs (32), STEPS (EPOCHS × N / BS), BS (16), LR (2e-4), WARM linear warmup steps (10),
//   BETA (0.1), LOSS sigmoid|rpo|… (sigmoid), ALPHA rpo's α (1), HELD held-out pairs (64),
//   ATTRS comma-separated persona lines (all 12 drivers), AXIS only pairs on that axis,
//   EVAL_STEPS (25), TRAIN_ACC=1 also scores every training pair, THREADS (1).
// Usage: nice -n 15 node scripts/node-run.mjs scripts/dpo-probe.ts   (N=64 STEPS=40 TRAIN_ACC=1 …)
import { backward } from '../src/autograd';
import { isBuiltin, polePairs, polesFromId, splitDataset, type BuiltinDataset, type PreferencePair } from '../src/data';
import { loadDataNode } from '../src/experiments/node/load-data';
import { loadPolicyBaseNode } from '../src/experiments/node/load-policy-base';
import { DpoPolicyModel, referenceLogps, type ReferenceLogps } from '../src/experiments/policy/dpo-model';
import { assistantTurn, personaText, promptIds, responseIds } from '../src/experiments/policy/prompts';
import { samplePairs } from '../src/experiments/prepare';
import { resolveSubset } from '../src/experiments/spec/expand';
import { BUILTIN_MODEL_ATTRIBUTES } from '../src/models/builtin/format';
import type { DpoLossName, DpoMethodSpec } from '../src/protocol/policy';
import { createBackend, tidy } from '../src/tensor';
import { setCpuThreads } from '../src/tensor/cpu/thread-pool';
import { AdamW } from '../src/train/adamw';
import type { PreferenceRow } from '../src/train/policy';
import { Rng } from '../src/util/rng';
import type { AttributeKey } from '../src/data';

const setting = (k: string, d: string): string => process.env[k] ?? d;
const N = Number(setting('N', '32'));
const BS = Number(setting('BS', '16'));
const STEPS = Number(setting('STEPS', String(Math.ceil((Number(setting('EPOCHS', '10')) * N) / BS))));
const LR = Number(setting('LR', '2e-4'));
const WARM = Number(setting('WARM', '10'));
const BETA = Number(setting('BETA', '0.1'));
const HELD = Number(setting('HELD', '64'));
const EVAL_STEPS = Number(setting('EVAL_STEPS', '25'));
const AXIS = process.env.AXIS;
const attrs = (process.env.ATTRS ? process.env.ATTRS.split(',') : [...BUILTIN_MODEL_ATTRIBUTES]) as AttributeKey[];
setCpuThreads(Number(setting('THREADS', '1')));

const be = await createBackend('cpu');
const loaded = await loadDataNode({ source: 'builtin', seed: 1, personas: 1000, questionsPerPersona: 24, noise: 0.8 });
if (!isBuiltin(loaded)) throw new Error('dpo-probe: the built-in world did not load');
const ds: BuiltinDataset = loaded;
const split = splitDataset(ds, { seed: 1, unseenFraction: 0.2, testFraction: 0.25 });
const onAxis = (p: PreferencePair) => !AXIS || p.id.endsWith(`:${AXIS}`);
const train = samplePairs(polePairs(ds, split.train, 1).filter(onAxis), N, 1, 'train');
const held = samplePairs(polePairs(ds, split.unseen, 1).filter(onAxis), HELD, 1, 'eval');
const base = await loadPolicyBaseNode({ kind: 'builtin-policy' }, be);
const layout = { tokenizer: base.tokenizer, styled: false };
const subset = resolveSubset({ kind: 'custom', attributes: attrs });
const personaOf = new Map(ds.personas.map((p) => [p.id, p.attributes]));

/** Pairs as tokens in the policy's chat layout, as the runner's pairRows writes them. */
function rowsOf(pairs: readonly PreferencePair[]): Map<string, PreferenceRow> {
  const m = new Map<string, PreferenceRow>();
  for (const p of pairs) {
    const at = personaOf.get(p.personaId)!;
    const persona = personaText(at, subset);
    const q = ds.question(p.questionId);
    const turn = (t: string, id?: string) => assistantTurn(layout, ds, t, p.questionId, id !== undefined ? (polesFromId(q, id) ?? null) : null, persona ? at : null);
    m.set(p.id, { prompt: promptIds(layout, persona, p.instruction), chosen: responseIds(layout, persona, p.instruction, turn(p.chosen, p.chosenId)), rejected: responseIds(layout, persona, p.instruction, turn(p.rejected, p.rejectedId)) });
  }
  return m;
}

const trainRows = rowsOf(train);
const heldRows = rowsOf(held);
const padId = base.tokenizer.padId;
const maxLength = 320;
const first = [...trainRows.values()][0];
console.log(`pairs ${train.length}, held-out ${held.length}; prompt ${first.prompt.length} tokens, chosen ${first.chosen.length}; ${attrs.length} persona lines${AXIS ? `; axis ${AXIS}` : ''}`);
let t0 = Date.now();
const refTrain = await referenceLogps(base.model, trainRows, { padId, maxLength, batchSize: 16 });
const refHeld = await referenceLogps(base.model, heldRows, { padId, maxLength, batchSize: 16 });
console.log(`reference log-probs ${((Date.now() - t0) / 1000).toFixed(0)} s`);

const policy = await loadPolicyBaseNode({ kind: 'builtin-policy' }, be);
policy.model.unfreeze();
const method: DpoMethodSpec = { kind: 'dpo', loss: setting('LOSS', 'sigmoid') as DpoLossName, beta: BETA, labelSmoothing: 0, simpoGamma: 0.5, rpoAlpha: Number(setting('ALPHA', '1')), pairs: 'pole' };

/** Implicit-reward accuracy and mean margin of the current policy on a pair set. */
async function accuracy(rows: Map<string, PreferenceRow>, ref: Map<string, ReferenceLogps>): Promise<{ acc: number; margin: number }> {
  const now = await referenceLogps(policy.model, rows, { padId, maxLength, batchSize: 16 });
  let acc = 0;
  let margin = 0;
  for (const [id, r] of now) {
    const z = r.chosen - ref.get(id)!.chosen - (r.rejected - ref.get(id)!.rejected);
    acc += z > 0 ? 1 : z === 0 ? 0.5 : 0;
    margin += BETA * z;
  }
  return { acc: acc / now.size, margin: margin / now.size };
}

const dpo = new DpoPolicyModel(be, policy.model, null, trainRows, refTrain, method, padId, maxLength);
const opt = new AdamW(dpo.namedParameters().map(([, p]) => p), { lr: LR, weightDecay: 0, clipNorm: 1 });
const order: number[] = [];
let wins: number[] = [];
let losses: number[] = [];
t0 = Date.now();
for (let step = 1; step <= STEPS; step++) {
  const lr = LR * Math.min(1, step / Math.max(1, WARM));
  opt.setLr(lr);
  if (order.length < BS) order.push(...new Rng(step * 7919 + 1).shuffle(train.map((_, i) => i)));
  const batch = order.splice(0, BS).map((i) => train[i]);
  const out = tidy(() => {
    const o = dpo.forward(batch);
    backward(o.loss);
    opt.update();
    return { loss: o.loss, margins: o.margins };
  });
  const m = (await out.margins.data()) as Float32Array;
  losses.push(await out.loss.item());
  out.loss.dispose();
  out.margins.dispose();
  wins.push(...Array.from(m, (x) => (x > 0 ? 1 : 0)));
  if (step % EVAL_STEPS === 0 || step === STEPS) {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const h = await accuracy(heldRows, refHeld);
    const tr = process.env.TRAIN_ACC === '1' ? await accuracy(trainRows, refTrain) : null;
    console.log(
      `step ${step} (${((step * BS) / train.length).toFixed(2)} epochs, ${((Date.now() - t0) / 1000).toFixed(0)} s) lr ${lr.toExponential(1)}: loss ${mean(losses).toFixed(4)}, rewards/accuracies ${mean(wins).toFixed(3)}` +
        (tr ? ` | train pairs ${tr.acc.toFixed(3)} (margin ${tr.margin.toFixed(3)})` : '') +
        ` | held-out pairs ${h.acc.toFixed(3)} (margin ${h.margin.toFixed(3)})`,
    );
    wins = [];
    losses = [];
  }
}
opt.dispose();
