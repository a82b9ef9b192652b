// An ONNX model as the judge (models/reply-judge.ts on the ONNX source's InferenceLm) against our
// engine's judge on the same weights: the tiny test checkpoint served by `cli serve`'s server in
// process (ServedModel + createOpenAiServer) and asked by the external judge's likelihood method
// (judgePair), and its ONNX export (tests/fixtures/onnx-decoder) run by onnxruntime-web's WASM EP
// in Node. Every pair gets the same verdict and scores within 1e-4 per reply token; swapping the
// answers swaps the ONNX judge's scores (no position is favoured); a pair over the context is refused.
// And the built-in model exported to ONNX judges as `cli serve builtin` does: it reads the persona
// first (builtin/judge-prompt.ts judgeLayout), the same reading, the same verdicts.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiServer } from '../../../src/cli/serve/openai-server';
import { ServedModel } from '../../../src/cli/serve/served-model';
import { DEFAULT_BUILTIN, QUESTIONS, bayesBestAnswer, generateBuiltin, responseText } from '../../../src/data';
import { judgeLayout } from '../../../src/models/builtin/judge-prompt';
import { builtinPersonaText } from '../../../src/models/builtin/format';
import { openCheckpoint } from '../../../src/models/checkpoint';
import { folderFiles } from '../../../src/models/io/node-files';
import { exportOnnxDecoder } from '../../../src/models/onnx/export-decoder';
import { onnxFolderFiles } from '../../../src/models/onnx/node-folder';
import { loadOnnxModel, type LoadedOnnx } from '../../../src/models/onnx/open';
import { JudgeContextError, judgeByReplyLikelihood, type ReplyJudgePair } from '../../../src/models/reply-judge';
import { judgePair, type JudgeEndpoint } from '../../../src/store/judge/openai-judge';
import { createBackend } from '../../../src/tensor';
import { Rng } from '../../../src/util/rng';

const CHECKPOINT = 'tests/fixtures/tiny-checkpoint/llama-f32';
const FIXTURE = 'tests/fixtures/onnx-decoder';

let server: Server;
let endpoint: JudgeEndpoint;
let onnx: LoadedOnnx;

beforeAll(async () => {
  const model = await ServedModel.open(await createBackend('cpu'), CHECKPOINT);
  server = createOpenAiServer({ models: [model] });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, model: model.id, apiKey: '' };
  onnx = await loadOnnxModel(await onnxFolderFiles(FIXTURE));
}, 120_000);
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  await onnx?.lm.dispose();
});

const WORDS = 'the a cat dog sat ran on under mat hill quickly slowly formal plain money family god science risk safe joke detail short long please thanks'.split(' ');
const PERSONAS = ['age: 34\nreligion: none\nincome: high', 'age: 71\nreligion: catholic\nincome: low', 'political views: liberal\neducation: PhD'];

/** Seeded pairs of short answers (the tiny model's context is 256 tokens). */
function pairs(n: number): ReplyJudgePair[] {
  const rng = new Rng(16).fork('onnx-judge');
  const sentence = (k: number) => Array.from({ length: k }, () => rng.pick(WORDS)).join(' ') + '.';
  return Array.from({ length: n }, (_, i) => ({
    persona: PERSONAS[i % PERSONAS.length],
    question: `How should I ${rng.pick(['save', 'travel', 'cook', 'learn'])}?`,
    answers: [sentence(3 + rng.int(8)), sentence(3 + rng.int(8))] as const,
  }));
}

describe('an ONNX model as the judge', () => {
  it("gives our engine's verdicts on the same weights (cli serve's likelihood judge), scores within 1e-4 a token", async () => {
    const verdicts = { 0: 0, 1: 0, tie: 0 };
    let worst = 0;
    for (const pair of pairs(16)) {
      const engine = await judgePair(endpoint, pair, { method: 'likelihood' });
      const mine = await judgeByReplyLikelihood(onnx.lm, onnx.tokenizer, pair);
      expect(mine.preferred).toBe(engine.preferred);
      for (const k of [0, 1] as const) {
        const d = Math.abs(mine.scores[k] - engine.scores![k]);
        worst = Math.max(worst, d / mine.tokens[k]);
        expect(d).toBeLessThan(1e-4 * mine.tokens[k]);
      }
      verdicts[mine.preferred]++;
    }
    console.log(`[onnx judge] verdicts ${JSON.stringify(verdicts)}; worst |Δ log p| per reply token vs the engine ${worst.toExponential(2)}`);
    // Both answers win somewhere: a judge stuck on one side would pass the agreement check vacuously.
    expect(verdicts[0]).toBeGreaterThan(0);
    expect(verdicts[1]).toBeGreaterThan(0);
  }, 120_000);

  it('favours no position: swapping the answers swaps the scores', async () => {
    for (const pair of pairs(4)) {
      const a = await judgeByReplyLikelihood(onnx.lm, onnx.tokenizer, pair);
      const b = await judgeByReplyLikelihood(onnx.lm, onnx.tokenizer, { ...pair, answers: [pair.answers[1], pair.answers[0]] });
      expect(b.scores[0]).toBeCloseTo(a.scores[1], 5);
      expect(b.scores[1]).toBeCloseTo(a.scores[0], 5);
      expect(b.preferred).toBe(a.preferred === 'tie' ? 'tie' : 1 - a.preferred);
    }
  }, 60_000);

  it('refuses a pair longer than its context, saying what to shorten', async () => {
    const long = 'word '.repeat(300);
    await expect(judgeByReplyLikelihood(onnx.lm, onnx.tokenizer, { persona: 'age: 30', question: 'Why?', answers: [long, 'no'] })).rejects.toThrow(JudgeContextError);
    await expect(judgeByReplyLikelihood(onnx.lm, onnx.tokenizer, { persona: 'age: 30', question: 'Why?', answers: [long, 'no'] })).rejects.toThrow(/at most 256 tokens.*shorten/);
  });
});

describe('the built-in model exported to ONNX as the judge', () => {
  let dir: string;
  let builtinServer: Server;
  let builtinEndpoint: JudgeEndpoint;
  let builtinOnnx: LoadedOnnx;
  beforeAll(async () => {
    // The built-in model's own weights as an ONNX decoder (as scripts/onnx-fixture/write.ts writes it).
    dir = await mkdtemp(join(tmpdir(), 'onnx-judge-builtin-'));
    const source = 'public/models/builtin';
    const ck = await openCheckpoint(await folderFiles(source));
    await mkdir(join(dir, 'onnx'), { recursive: true });
    await writeFile(join(dir, 'onnx', 'model.onnx'), await exportOnnxDecoder(ck.config, (name) => ck.weights.readFloat32(name)));
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) await copyFile(join(source, f), join(dir, f));
    builtinOnnx = await loadOnnxModel(await onnxFolderFiles(dir));
    const served = await ServedModel.open(await createBackend('cpu'), 'builtin');
    builtinServer = createOpenAiServer({ models: [served] });
    await new Promise<void>((r) => builtinServer.listen(0, '127.0.0.1', r));
    builtinEndpoint = { baseUrl: `http://127.0.0.1:${(builtinServer.address() as AddressInfo).port}/v1`, model: 'builtin', apiKey: '' };
  }, 180_000);
  afterAll(async () => {
    await new Promise<void>((r) => builtinServer?.close(() => r()));
    await builtinOnnx?.lm.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads the persona first and gives the verdicts `cli serve builtin` gives', async () => {
    const ds = generateBuiltin(DEFAULT_BUILTIN);
    const rng = new Rng(7).fork('onnx-judge-builtin');
    const verdicts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const p = rng.pick(ds.personas);
      const q = rng.pick(QUESTIONS);
      const best = bayesBestAnswer(ds, p.id, q.id);
      const pair = { persona: builtinPersonaText(p.attributes), question: q.text, answers: [best.text, responseText(q, best.poles.map((x) => -x))] as const };
      const engine = await judgePair(builtinEndpoint, pair, { method: 'likelihood' });
      const mine = await judgeByReplyLikelihood(builtinOnnx.lm, builtinOnnx.tokenizer, pair, { layout: judgeLayout });
      expect(mine.reading).toMatch(/->/);
      expect(mine.reading).toBe(engine.reading);
      expect(mine.preferred).toBe(engine.preferred);
      for (const k of [0, 1] as const) expect(Math.abs(mine.scores[k] - engine.scores![k])).toBeLessThan(1e-4 * mine.tokens[k]);
      verdicts.push(String(mine.preferred));
    }
    console.log(`[onnx judge, built-in export] verdicts ${verdicts.join(' ')} (0 = the Bayes-best answer)`);
  }, 240_000);
});
