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
//   EVAL_STEPS (25), TRAIN_ACC=1 also scores every training pair, THREADS (1),
//   COND=embed adds a learned persona embedding over the COND_ATTRS lines (all 12 drivers;
//   train/policy/condition-embedding.ts) trained at LR_COND (1e-2); TEXT=0 drops the persona text
//   from the prompt (the marginal prompt), so the embedding is the only way the persona gets in.
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
import { ConditionEmbedding, personaFeatures, stackRows } from '../src/train/policy/condition-embedding';
import { readPairLogProbs } from '../src/train/policy';
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
const subset = resolveSubset({ kind: 'custom', attributes: process.env.TEXT === '0' ? [] : attrs });
const seenIds = new Set(split.train.map((r) => r.personaId));
const condAttrs = (process.env.COND_ATTRS ? process.env.COND_ATTRS.split(',') : [...BUILTIN_MODEL_ATTRIBUTES]) as AttributeKey[];
const cond = process.env.COND === 'embed' ? new ConditionEmbedding(be, personaFeatures(ds.personas.filter((p) => seenIds.has(p.id)), condAttrs), base.model.config.hiddenSize) : null;
if (cond) console.log(`condition embedding: ${cond.size} features of ${condAttrs.length} attributes`);
const personaOf = new Map(ds.personas.map((p) => [p.id, p.attributes]));

/** Pairs as tokens in the policy's chat layout, as the runner's pairRows writes them. */
function rowsOf(pairs: readonly PreferencePair[]): Map<string, PreferenceRow> {
  const m = new Map<string, PreferenceRow>();
  for (const p of pairs) {
    const at = personaOf.get(p.personaId)!;
    const persona = personaText(at, subset);
    const q = ds.question(p.questionId);
    const turn = (t: string, id?: string) => assistantTurn(layout, ds, t, p.questionId, id !== undefined ? (polesFromId(q, id) ?? null) : null, persona ? at : null);
    m.set(p.id, {
      prompt: promptIds(layout, persona, p.instruction),
      chosen: responseIds(layout, persona, p.instruction, turn(p.chosen, p.chosenId)),
      rejected: responseIds(layout, persona, p.instruction, turn(p.rejected, p.rejectedId)),
      ...(cond ? { condition: cond.personaInputs(at, condAttrs) } : {}),
    });
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
// REF_CACHE=file keeps the reference's log-probs between probes of the same pairs and prompts.
const refCache = process.env.REF_CACHE;
const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
const cached = refCache && existsSync(refCache) ? (JSON.parse(readFileSync(refCache, 'utf8')) as { train: [string, ReferenceLogps][]; held: [string, ReferenceLogps][] }) : null;
const refTrain = cached ? new Map(cached.train) : await referenceLogps(base.model, trainRows, { padId, maxLength, batchSize: 16 });
const refHeld = cached ? new Map(cached.held) : await referenceLogps(base.model, heldRows, { padId, maxLength, batchSize: 16 });
if (refCache && !cached) writeFileSync(refCache, JSON.stringify({ train: [...refTrain], held: [...refHeld] }));
console.log(`reference log-probs ${((Date.now() - t0) / 1000).toFixed(0)} s`);

const policy = await loadPolicyBaseNode({ kind: 'builtin-policy' }, be);
policy.model.unfreeze();
const method: DpoMethodSpec = { kind: 'dpo', loss: setting('LOSS', 'sigmoid') as DpoLossName, beta: BETA, labelSmoothing: 0, simpoGamma: 0.5, rpoAlpha: Number(setting('ALPHA', '1')), pairs: 'pole' };

/** Implicit-reward accuracy and mean margin of the current policy on a pair set. */
async function accuracy(rows: Map<string, PreferenceRow>, ref: Map<string, ReferenceLogps>): Promise<{ acc: number; margin: number }> {
  const now = cond ? await conditionedLogps(rows) : await referenceLogps(policy.model, rows, { padId, maxLength, batchSize: 16 });
  let acc = 0;
  let margin = 0;
  for (const [id, r] of now) {
    const z = r.chosen - ref.get(id)!.chosen - (r.rejected - ref.get(id)!.rejected);
    acc += z > 0 ? 1 : z === 0 ? 0.5 : 0;
    margin += BETA * z;
  }
  return { acc: acc / now.size, margin: margin / now.size };
}

/** The policy's log-prob sums with its persona embedding (referenceLogps reads the model alone). */
async function conditionedLogps(rows: Map<string, PreferenceRow>): Promise<Map<string, { chosen: number; rejected: number }>> {
  const out = new Map<string, { chosen: number; rejected: number }>();
  const ids = [...rows.keys()];
  for (let i = 0; i < ids.length; i += 16) {
    const chunk = ids.slice(i, i + 16).map((id) => rows.get(id)!);
    const c = cond!.forward(stackRows([...chunk, ...chunk].map((r) => r.condition!)), 2 * chunk.length);
    try {
      const r = await readPairLogProbs(policy.model, chunk, { padId, maxLength, adapter: null, condition: c });
      ids.slice(i, i + 16).forEach((id, b) => out.set(id, { chosen: (r.chosen.sum as number[])[b], rejected: (r.rejected.sum as number[])[b] }));
    } finally {
      c.dispose();
    }
  }
  return out;
}

const dpo = new DpoPolicyModel(be, policy.model, null, trainRows, refTrain, method, padId, maxLength, cond);
if (process.env.FREEZE === '1') policy.model.freeze();
const LR_COND = Number(setting('LR_COND', '1e-2'));
const opt = new AdamW(policy.model.trainableParameters(), { lr: LR, weightDecay: 0, clipNorm: 1 });
const optCond = cond ? new AdamW(cond.parameters(), { lr: LR_COND, weightDecay: 0, clipNorm: 1 }) : null;
const order: number[] = [];
let wins: number[] = [];
let losses: number[] = [];
t0 = Date.now();
for (let step = 1; step <= STEPS; step++) {
  const lr = LR * Math.min(1, step / Math.max(1, WARM));
  opt.setLr(lr);
  optCond?.setLr(LR_COND * Math.min(1, step / Math.max(1, WARM)));
  if (order.length < BS) order.push(...new Rng(step * 7919 + 1).shuffle(train.map((_, i) => i)));
  const batch = order.splice(0, BS).map((i) => train[i]);
  const out = tidy(() => {
    const o = dpo.forward(batch);
    backward(o.loss);
    opt.update();
    optCond?.update();
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
