// The committed built-in model (public/models/builtin, written by `npm run train:builtin`; CI
// does not retrain): it loads through the same loader as any checkpoint, stays within the size
// budget, its tokenizer round-trips the built-in corpus, its loss on held-out personas' rows is
// far below the unigram baseline, and it reads personas: the poles it chooses follow their tastes,
// its answers are on topic and differ between personas.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AXIS_IDS, DEFAULT_BUILTIN, builtinCorpus, generateBuiltin, poleName, type BuiltinDataset } from '../../src/data';
import { generate } from '../../src/models/generate/generate';
import { folderFiles } from '../../src/models/io/node-files';
import { loadModel, type LoadedModel } from '../../src/models/load-model';
import { initCpuBackend } from '../../src/tensor';
import { builtinChat, evidence } from '../../src/models/builtin/format';
import { builtinDocuments, type BuiltinDocuments } from '../../src/train/builtin/documents';
import { scoreBatches } from '../../src/models/scoring';
import { answerPrompt, readPersona } from '../../src/models/builtin/read-persona';
import { documentLoss, unigramLoss } from '../../src/train/builtin/evaluate';
import { encodeDoc } from '../../src/train/builtin/packing';

const DIR = join(import.meta.dirname, '../../public/models/builtin');
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];

let ds: BuiltinDataset;
let docs: BuiltinDocuments;
let m: LoadedModel;

beforeAll(async () => {
  ds = generateBuiltin(DEFAULT_BUILTIN);
  docs = builtinDocuments(ds);
  m = await loadModel(await initCpuBackend(), await folderFiles(DIR));
});

describe('the committed built-in model', () => {
  it('is a Hugging Face folder of at most 8 MB whose report matches its files', () => {
    const sizes = Object.fromEntries(FILES.map((f) => [f, statSync(join(DIR, f)).size]));
    expect(Object.values(sizes).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(8 * 1024 * 1024);
    const report = JSON.parse(readFileSync(join(DIR, 'training.json'), 'utf8'));
    expect(report.fileBytes).toEqual(sizes);
    expect(m.config.architecture).toBe('LlamaForCausalLM');
    expect(m.tokenizer.size).toBe(m.config.vocabSize);
    expect(m.tokenizer.chatTemplate).not.toBeNull();
    const params = m.model.parameters().reduce((n, p) => n + p.size, 0);
    expect(params).toBe(report.parameters);
  });

  it('round-trips the built-in corpus through its tokenizer', () => {
    const corpus = [...builtinCorpus(ds)];
    // Every response-pool document, every 5th persona and every 50th row document (CI time).
    const kind = (d: string) => (!d.startsWith('Persona:\n') ? 'pool' : d.includes('\nQuestion: ') ? 'row' : 'persona');
    const sample = corpus.filter((d, i) => kind(d) === 'pool' || (kind(d) === 'persona' && i % 5 === 0) || i % 50 === 0);
    expect(sample.length).toBeGreaterThan(1500);
    let tokens = 0;
    for (const doc of sample) {
      const ids = m.tokenizer.encode(doc);
      tokens += ids.length;
      expect(m.tokenizer.decode(ids)).toBe(doc);
    }
    // Learned merges: well under one token per 3 characters of this corpus.
    expect(tokens).toBeLessThan(sample.reduce((n, d) => n + d.length, 0) / 3);
  });

  it('fits held-out personas far better than the unigram baseline', async () => {
    const held = docs.heldOut.filter((_, i) => i % 200 === 0).map((d) => encodeDoc(m.tokenizer, d));
    const train = docs.train.filter((_, i) => i % 20 === 0).map((d) => encodeDoc(m.tokenizer, d));
    expect(held.length).toBe(24);
    const { loss } = await documentLoss(m.model, held, Math.max(...held.map((d) => d.ids.length)), m.tokenizer.padId);
    const unigram = unigramLoss(train, held, m.config.vocabSize);
    console.log(`built-in model: held-out loss ${loss.toFixed(3)} nats, unigram ${unigram.toFixed(3)}`);
    expect(unigram).toBeGreaterThan(4);
    expect(loss).toBeLessThan(unigram * 0.5);
    // Budget ≥ 20× its cost (3.5 s on an idle 2-core machine), so a busy machine cannot fail it.
  }, 120_000);

  it('reads personas (poles follow their tastes), answers on topic, and differently for different personas', async () => {
    // The Compare view's guided decode (read-persona.ts): the model chooses each pole after the
    // persona line that drives it, then writes the answer.
    const unseen = new Set(docs.heldOutRows.map((r) => r.personaId));
    const personas = ds.personas.filter((p) => unseen.has(p.id)).slice(0, 8);
    let agree = 0;
    let total = 0;
    // The best a persona-blind reader can do: one pole per question axis for everybody.
    let blind = 0;
    for (const q of [ds.questions[0], ds.questions[35]]) {
      const readings = [];
      for (const p of personas) readings.push(await readPersona(m.model, m.tokenizer, q, p.attributes, { temperature: 0, seed: 1 }));
      q.axes.forEach((_, k) => {
        const plusCount = personas.filter((p) => ds.truth.probPlus(ds.truth.personaIndex(p.id), q)[k] >= 0.5).length;
        blind += Math.max(plusCount, personas.length - plusCount);
      });
      readings.forEach((r, i) => {
        const plus = ds.truth.probPlus(ds.truth.personaIndex(personas[i].id), q);
        r.poles.forEach((pole, k) => {
          agree += (plus[k] >= 0.5 ? 1 : -1) === pole ? 1 : 0;
          total++;
        });
      });
      expect(new Set(readings.map((r) => r.poles.join())).size, q.text).toBeGreaterThan(1);
      const prompts = readings.map((r, i) => m.tokenizer.encode(answerPrompt(m.tokenizer, q, personas[i].attributes, r)));
      const out = await generate(m.model, m.tokenizer, prompts, { maxNewTokens: 80, temperature: 0, seed: 1 });
      const core = new Set(q.core.toLowerCase().match(/[a-z]{5,}/g) ?? []);
      for (const g of out) {
        const words = g.text.toLowerCase().match(/[a-z]{5,}/g) ?? [];
        expect(words.some((w) => core.has(w)), `${q.text} -> ${g.text}`).toBe(true);
      }
      // Different readings, different answers.
      expect(new Set(out.map((g) => g.text)).size, q.text).toBeGreaterThan(1);
    }
    // The pole the persona's attributes make likelier (the Bayes pole) is chosen more often than
    // any persona-blind choice manages (seen: 47 vs 38 of 64 for the first recipe that learned it).
    console.log(`built-in model: ${agree} of ${total} poles agree with the Bayes pole (best persona-blind: ${blind})`);
    expect(agree / total).toBeGreaterThan(0.65);
    expect(agree - blind).toBeGreaterThan(total * 0.05);
    // Budget ≥ 20× its cost on an idle 2-core machine (12.4 s): it took 56 s at load average 9,
    // and the suite's 60 s default failed it on a busy machine.
  }, 300_000);

  it('reads a pole as the likelihood ratio of the two whole texts (brute force)', async () => {
    const q = ds.questions[3];
    const persona = ds.personas[0].attributes;
    const r = await readPersona(m.model, m.tokenizer, q, persona, { temperature: 0, seed: 1 });
    const prompt = m.tokenizer.applyChatTemplate(builtinChat(persona, q.text));
    // The first axis in the written order: both whole texts, scored from their first token.
    const k = q.axes.indexOf(q.axes.slice().sort((a, b) => AXIS_IDS.indexOf(a) - AXIS_IDS.indexOf(b))[0]);
    const texts = [1, -1].map((pole) => m.tokenizer.encode(`${prompt} ${evidence(q.axes[k], persona)} -> ${poleName(q.axes[k], pole)}`));
    const { sum } = await scoreBatches(m.model, texts.map((ids) => ({ prompt: ids.slice(0, 1), response: ids.slice(1) })), { padId: m.tokenizer.padId });
    expect(r.plus[k]).toBeCloseTo(1 / (1 + Math.exp(sum[1] - sum[0])), 4);
    expect(r.poles[k]).toBe(r.plus[k] >= 0.5 ? 1 : -1);
    expect(r.style.startsWith(`${evidence(q.axes[k], persona)} -> ${poleName(q.axes[k], r.poles[k])}`)).toBe(true);
    // Sampling is seeded.
    const a = await readPersona(m.model, m.tokenizer, q, persona, { temperature: 1, seed: 5 });
    const b = await readPersona(m.model, m.tokenizer, q, persona, { temperature: 1, seed: 5 });
    expect(a.poles).toEqual(b.poles);
  });
});
