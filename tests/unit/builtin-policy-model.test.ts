// The committed persona-blind SFT policy (public/models/builtin-policy, written by
// `npm run train:builtin-policy`; CI does not retrain): a Hugging Face folder that, with the
// built-in model, stays within the 12 MB budget of public/models, shares the built-in model's
// tokenizer, prompts with the persona then the question, and writes answers freely (no style line,
// no guided decode) that the truth judge parses and finds on topic, for personas it never saw.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUILTIN, DEFAULT_SPLIT, generateBuiltin, judgeAnswer, splitDataset, type BuiltinDataset, type DataRow } from '../../src/data';
import { generate } from '../../src/models/generate/generate';
import { folderFiles } from '../../src/models/io/node-files';
import { loadModel, type LoadedModel } from '../../src/models/load-model';
import { POLICY_CHAT_TEMPLATE, policyChat } from '../../src/models/builtin/policy-format';
import { initCpuBackend } from '../../src/tensor';

const MODELS = join(import.meta.dirname, '../../public/models');
const DIR = join(MODELS, 'builtin-policy');
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];

let ds: BuiltinDataset;
let m: LoadedModel;
/** Held-out rows: unseen personas, eight different questions. */
let rows: DataRow[];

beforeAll(async () => {
  ds = generateBuiltin(DEFAULT_BUILTIN);
  const unseen = splitDataset(ds, DEFAULT_SPLIT).unseen;
  rows = unseen.filter((r, i) => unseen.findIndex((x) => x.questionId === r.questionId) === i).slice(0, 8);
  m = await loadModel(await initCpuBackend(), await folderFiles(DIR));
});

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

async function answers(temperature: number): Promise<string[]> {
  const byId = new Map(ds.personas.map((p) => [p.id, p]));
  const prompts = rows.map((r) => m.tokenizer.encode(m.tokenizer.applyChatTemplate(policyChat(byId.get(r.personaId)!.attributes, r.instruction))));
  const out = await generate(m.model, m.tokenizer, prompts, { maxNewTokens: 200, temperature, seed: 1 });
  return out.map((g) => g.text.trim());
}

describe('the committed persona-blind SFT policy', () => {
  it('is a Hugging Face folder with the built-in tokenizer; all built-in model files stay under 12 MB', () => {
    expect(folderBytes(MODELS)).toBeLessThanOrEqual(12 * 1024 * 1024);
    const sizes = Object.fromEntries(FILES.map((f) => [f, statSync(join(DIR, f)).size]));
    const report = JSON.parse(readFileSync(join(DIR, 'training.json'), 'utf8'));
    expect(report.fileBytes).toEqual(sizes);
    expect(report.options.recipe).toBe('persona-blind');
    expect(m.model.parameters().reduce((n, p) => n + p.size, 0)).toBe(report.parameters);
    expect(readFileSync(join(DIR, 'tokenizer.json'), 'utf8')).toBe(readFileSync(join(MODELS, 'builtin', 'tokenizer.json'), 'utf8'));
    expect(m.tokenizer.chatTemplate).toBe(POLICY_CHAT_TEMPLATE);
  });

  it('answers unseen personas freely, parseable and on topic, greedy and at temperature 1', async () => {
    expect(new Set(rows.map((r) => r.questionId)).size).toBe(8);
    // At least this many of the 8 (training.json's rates over 64 held-out rows: greedy 64 parsed and 61 on topic, temperature 1 54 and 45).
    const floors = { 0: { parsed: 7, valid: 6 }, 1: { parsed: 4, valid: 3 } };
    for (const temperature of [0, 1] as const) {
      const texts = await answers(temperature);
      const judged = texts.map((text, i) => judgeAnswer(ds, rows[i].personaId, rows[i].questionId, text));
      const parsed = judged.filter((j) => j.parse.parsed).length;
      const valid = judged.filter((j) => j.valid).length;
      const listing = texts.map((t, i) => `${judged[i].valid ? 'ok' : judged[i].parse.topic} | ${rows[i].instruction} -> ${t}`).join('\n');
      console.log(`persona-blind policy, temperature ${temperature}: ${parsed} of 8 parsed, ${valid} on topic`);
      expect(parsed, listing).toBeGreaterThanOrEqual(floors[temperature].parsed);
      expect(valid, listing).toBeGreaterThanOrEqual(floors[temperature].valid);
      // A valid greedy answer is a whole candidate: every axis of the question gets a pole.
      if (temperature === 0) for (const j of judged.filter((x) => x.valid)) expect(j.parse.poles.filter((p) => p !== 0).length).toBeGreaterThanOrEqual(3);
    }
    // 1.5 s on a lightly loaded 2-core machine; the 120 s budget is well over 20× that.
  }, 120_000);
});
