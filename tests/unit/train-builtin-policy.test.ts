// The persona-blind SFT policy's recipe (src/train/builtin/policy-documents.ts and the
// 'persona-blind' recipe of src/train/builtin/train.ts): its documents are the chat layout a
// Stage-2 policy reads with an answer whose poles are drawn independently of the persona (they
// agree with the row's own preferred answer at chance), seen personas only; the trainer at toy size
// trains the answer tokens alone, writes the policy's chat template, shares the built-in model's
// tokenizer, reports free answers read by the truth judge, and reproduces itself from the seed.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILTIN, DEFAULT_SPLIT, generateBuiltin, splitDataset } from '../../src/data';
import { builtinPersonaText } from '../../src/models/builtin/format';
import { POLICY_CHAT_TEMPLATE } from '../../src/models/builtin/policy-format';
import { memoryFiles } from '../../src/models/io/memory-files';
import { loadModel } from '../../src/models/load-model';
import { initCpuBackend } from '../../src/tensor';
import { builtinRowPoles } from '../../src/train/builtin/documents';
import { encodeDoc } from '../../src/train/builtin/packing';
import { blindRowPoles, policyDocuments } from '../../src/train/builtin/policy-documents';
import { BUILTIN_TRAINING, POLICY_TRAINING, trainBuiltin, type BuiltinTrainOptions } from '../../src/train/builtin/train';

describe('policyDocuments', () => {
  const ds = generateBuiltin({ ...DEFAULT_BUILTIN, personas: 200, questionsPerPersona: 12 });
  const split = splitDataset(ds, DEFAULT_SPLIT);
  const docs = policyDocuments(ds, 1);

  it('writes every seen persona\'s rows as persona, question, and a bare answer with random poles', () => {
    const seen = [...split.train, ...split.test];
    expect(docs.train.map((d) => `${d.personaId}/${d.questionId}`)).toEqual(seen.map((r) => `${r.personaId}/${r.questionId}`));
    const unseen = new Set(split.unseenPersonas);
    expect(docs.train.some((d) => unseen.has(d.personaId!))).toBe(false);
    expect(docs.heldOut.every((d) => unseen.has(d.personaId!))).toBe(true);
    const byId = new Map(ds.personas.map((p) => [p.id, p]));
    docs.train.forEach((d, i) => {
      expect(d.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
      expect(d.messages[0].content).toBe(builtinPersonaText(byId.get(d.personaId!)!.attributes));
      expect(d.messages[2].content).toBe(ds.response(d.questionId, blindRowPoles(ds, seen[i], 1)).text);
    });
  });

  it('draws poles that agree with the row\'s own preferred answer at chance, and change with the seed', () => {
    const seen = [...split.train, ...split.test];
    let axes = 0;
    let agree = 0;
    let plus = 0;
    for (const r of seen) {
      const blind = blindRowPoles(ds, r, 1);
      builtinRowPoles(ds, r).forEach((pole, k) => {
        axes++;
        if (pole === blind[k]) agree++;
        if (blind[k] === 1) plus++;
      });
    }
    // 7,680 axes: a coin's share stays within 0.5 ± 0.03 (over 5 standard deviations).
    expect(axes).toBeGreaterThan(7000);
    expect(Math.abs(agree / axes - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(plus / axes - 0.5)).toBeLessThan(0.03);
    const other = policyDocuments(ds, 2);
    const changed = other.train.filter((d, i) => d.messages[2].content !== docs.train[i].messages[2].content).length;
    expect(changed / docs.train.length).toBeGreaterThan(0.8);
    expect(policyDocuments(ds, 1).train).toEqual(docs.train);
  });
});

const TOY_DATA = { ...DEFAULT_BUILTIN, personas: 12, questionsPerPersona: 6 };
const TOY: BuiltinTrainOptions = {
  ...POLICY_TRAINING,
  data: TOY_DATA,
  vocabSize: 320,
  arch: { hiddenSize: 32, layers: 1, heads: 2, kvHeads: 1, intermediateSize: 64, ropeTheta: 10000 },
  steps: 6,
  lr: 1e-2,
  warmupSteps: 2,
  evalDocs: 4,
  crossPairs: 4,
  freeAnswers: 3,
};

describe('trainBuiltin, persona-blind recipe, at toy size', () => {
  it('trains answers only, writes the policy template and the built-in tokenizer, judges free answers, reproduces itself', async () => {
    const be = await initCpuBackend();
    const a = await trainBuiltin(be, TOY);
    const r = a.report;
    expect(r.options.recipe).toBe('persona-blind');
    expect(r.curve.at(-1)![1]).toBeLessThan(r.curve[0][1]);
    // Answer tokens only: far fewer targets than tokens read (the persona and question are context).
    expect(r.targetsTrained).toBeLessThan(r.tokensSeen * 0.6);
    expect(r.decisionCurve.some(([, l]) => l > 0)).toBe(true);
    for (const f of [r.freeAnswers!.greedy, r.freeAnswers!.sampled]) {
      expect(f.answers).toBe(3);
      expect(f.winVsRandom.pairs).toBe(3);
      expect(f.onTopic).toBeLessThanOrEqual(f.parsed);
      expect(f.randomBayesAgreement.axes).toBe(12);
    }
    expect(r.freeAnswers!.sampled.temperature).toBe(1);

    const loaded = await loadModel(be, memoryFiles(a.files));
    expect(loaded.tokenizer.chatTemplate).toBe(POLICY_CHAT_TEMPLATE);
    const doc = policyDocuments(generateBuiltin(TOY_DATA), TOY.seed).train[0];
    const e = encodeDoc(loaded.tokenizer, doc, { targets: 'answer' });
    expect(loaded.tokenizer.decode(e.ids.slice(e.answerFrom), { skipSpecialTokens: true })).toBe(` ${doc.messages[2].content}`);
    loaded.model.dispose();

    // The same tokenizer as the persona-reading model trained on the same data.
    const reading = await trainBuiltin(be, { ...TOY, ...{ recipe: BUILTIN_TRAINING.recipe, decisionWeight: 3, freeAnswers: 0, steps: 1, evalDocs: 1, crossPairs: 1 } });
    expect(a.files['tokenizer.json']).toBe(reading.files['tokenizer.json']);

    const b = await trainBuiltin(be, TOY);
    expect(b.files['model.safetensors']).toEqual(a.files['model.safetensors']);
    expect(b.report.freeAnswers).toEqual(r.freeAnswers);

    // A second stage starts from the first one's weights: its first loss is the first stage's last one, not a fresh model's.
    const first = await loadModel(be, memoryFiles(a.files));
    const c = await trainBuiltin(be, { ...TOY, initFrom: 'toy stage 1', steps: 2, freeAnswers: 0 }, () => {}, new Map(first.model.namedParameters()));
    expect(c.report.options.initFrom).toBe('toy stage 1');
    expect(c.report.curve[0][1]).toBeLessThan(r.curve[0][1] - 0.5);
    await expect(trainBuiltin(be, { ...TOY, initFrom: 'somewhere' })).rejects.toThrow(/no weights were passed/);
  }, 300_000);
});
