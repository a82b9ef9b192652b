// Fast generation (src/models/generate, src/models/llama/kv-cache.ts, src/tensor/ops/kv-cache.ts)
// against the slow paths it replaced, on the cpu backend: the one-pass sampler draws the same ids
// as the distribution it skips building; incremental text equals a whole decode after every
// token (multi-byte characters split across tokens included); the preallocated KV cache gives the
// no-cache reference's logits and tokens on the built-in model, with left padding, rows that stop
// early and rows sharing a prompt (run once); the cache and its ops refuse what they cannot do.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../src/autograd';
import { openCheckpoint, type OpenedCheckpoint } from '../../src/models/checkpoint';
import { generate } from '../../src/models/generate/generate';
import { IncrementalText } from '../../src/models/generate/incremental-text';
import { sampleNext, samplingDistribution } from '../../src/models/generate/sampling';
import { folderFiles } from '../../src/models/io/node-files';
import { KVCacheFullError } from '../../src/models/llama/kv-cache';
import { CachedForwardError, LlamaModel } from '../../src/models/llama/model';
import type { TextTokenizer } from '../../src/models/tokenizer';
import { createBackend, ops, tidy, type Backend } from '../../src/tensor';
import { Rng } from '../../src/util/rng';

const BUILTIN = join(import.meta.dirname, '../../public/models/builtin');
let be: Backend;
let ck: OpenedCheckpoint;
let model: LlamaModel;

beforeAll(async () => {
  be = await createBackend('cpu');
  ck = await openCheckpoint(await folderFiles(BUILTIN));
  model = await LlamaModel.load(be, ck.config, ck.weights);
});

describe('one-pass sampling', () => {
  it('draws what the full distribution draws, for every temperature and vocab limit', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 200; trial++) {
      const row = rng.float32(50 + rng.int(100), { normal: 1 + rng.int(4) });
      const o = { temperature: [0.3, 0.7, 1, 1.6][trial % 4], vocabLimit: trial % 3 === 0 ? row.length - 7 : undefined };
      const { ids, probs } = samplingDistribution(row, o);
      expect(sampleNext(row, o, new Rng(trial))).toBe(ids[new Rng(trial).weighted(probs)]);
    }
  });
});

describe('incremental text', () => {
  const cases: Array<[string, () => Promise<TextTokenizer>]> = [
    ['built-in', async () => ck.tokenizer],
    ['tiny llama fixture', async () => (await openCheckpoint(await folderFiles('tests/fixtures/tiny-checkpoint/llama-f32'))).tokenizer],
  ];
  it.each(cases)('equals a whole decode after every token (%s tokenizer)', async (_name, get) => {
    const tok = await get();
    const texts = ['Answer: a calm, café-style plan — naïve? 😀 No: «tiếng Việt» 100%.', ' leading space,  double  spaces\nand lines\n\n', 'plain words only'];
    const rng = new Rng(9);
    const streams = [...texts.map((t) => tok.encode(t, { addSpecialTokens: false })), Array.from({ length: 60 }, () => rng.int(tok.size))];
    for (const ids of streams) {
      const inc = new IncrementalText(tok);
      ids.forEach((id, i) => expect(inc.push(id), `after token ${i} of ${JSON.stringify(ids)}`).toBe(tok.decode(ids.slice(0, i + 1), { skipSpecialTokens: true })));
    }
  });
});

describe('the preallocated KV cache', () => {
  const prompts = () =>
    ['How can I get better sleep?', 'Plan a weekend', 'Should I learn to cook or keep ordering food every night?'].map((q) =>
      ck.tokenizer.encode(ck.tokenizer.applyChatTemplate([{ role: 'user', content: q }])),
    );

  it('gives the full forward logits at every step, left-padded rows included', async () => {
    const ps = prompts();
    const T0 = Math.max(...ps.map((p) => p.length));
    const B = ps.length;
    const pad = ck.tokenizer.padId ?? 0;
    const extra = [11, 57, 300, 1200, 42];
    const rows = ps.map((p, b) => [...new Array<number>(T0 - p.length).fill(pad), ...p, ...extra.map((x) => (x + b) % 2000)]);
    const S = T0 + extra.length;
    const padOf = (b: number) => T0 - ps[b].length;
    const mask = (b: number, s: number) => (s < padOf(b) ? 0 : 1);
    const position = (b: number, s: number) => Math.max(0, s - padOf(b));
    // Columns [from, to) of every row, row-major, and their positions and mask up to `to`.
    const cols = (from: number, to: number) => ({
      ids: Int32Array.from(rows.flatMap((r) => r.slice(from, to))),
      positions: Int32Array.from(rows.flatMap((_, b) => Array.from({ length: to - from }, (_, i) => position(b, from + i)))),
      keyMask: Float32Array.from(rows.flatMap((_, b) => Array.from({ length: to }, (_, s) => mask(b, s)))),
    });
    const read = async (t: ReturnType<LlamaModel['forward']>) => {
      const d = (await t.data()) as Float32Array;
      t.dispose();
      return d;
    };
    const all = cols(0, S);
    const want = await read(noGrad(() => tidy(() => model.forward(all.ids, B, S, all))));
    const V = ck.config.vocabSize;
    const cache = model.newCache(S);
    let worst = 0;
    for (let to = T0; to <= S; to++) {
      const from = to === T0 ? 0 : to - 1;
      const T = to - from;
      const step = cols(from, to);
      const got = await read(noGrad(() => tidy(() => model.forward(step.ids, B, T, { ...step, cache }))));
      for (let b = 0; b < B; b++)
        for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(got[(b * T + T - 1) * V + v] - want[(b * S + to - 1) * V + v]));
    }
    cache.dispose();
    expect(worst).toBeLessThan(1e-4);
  });

  it('samples the same tokens as the no-cache reference, with rows that stop early', async () => {
    const ps = prompts();
    const o = { maxNewTokens: 10, seed: 3, temperature: 0.8, eosIds: [] as number[] };
    const free = await generate(model, ck.tokenizer, ps, o);
    // Row 0 stops at its third token; the others run on past it with a masked filler in its place.
    const stopping = { ...o, eosIds: [free[0].ids[2]] };
    const cached = await generate(model, ck.tokenizer, ps, stopping);
    const reference = await generate(model, ck.tokenizer, ps, { ...stopping, useCache: false });
    expect(cached.map((g) => g.ids)).toEqual(reference.map((g) => g.ids));
    expect(cached.map((g) => g.text)).toEqual(reference.map((g) => g.text));
    expect(cached[0].reason).toBe('eos');
    expect(cached.some((g) => g.ids.length === 10)).toBe(true);
  });

  it('runs a prompt shared by several rows once, and samples each row as the reference does', async () => {
    const [a, b] = prompts();
    const ps = [a, b, a, a, b];
    const o = { maxNewTokens: 8, seed: 11, temperature: 1, eosIds: [] as number[] };
    const shared = await generate(model, ck.tokenizer, ps, o);
    const reference = await generate(model, ck.tokenizer, ps, { ...o, useCache: false });
    expect(shared.map((g) => g.ids)).toEqual(reference.map((g) => g.ids));
    // Rows of one prompt draw from their own seed streams.
    expect(new Set([0, 2, 3].map((r) => shared[r].ids.join())).size).toBeGreaterThan(1);
    const greedy = await generate(model, ck.tokenizer, [a, a, a], { ...o, temperature: 0 });
    const alone = await generate(model, ck.tokenizer, [a], { ...o, temperature: 0 });
    for (const g of greedy) expect(g.ids).toEqual(alone[0].ids);
  });

  it('refuses a step that does not fit, a forward that records gradients, and a misshapen write', async () => {
    const ids = Int32Array.from([5, 6, 7]);
    const cache = model.newCache(2);
    expect(() => noGrad(() => tidy(() => model.forward(ids, 1, 3, { cache })))).toThrow(KVCacheFullError);
    expect(() => tidy(() => model.forward(ids, 1, 3, { cache: model.newCache(8) }))).toThrow(CachedForwardError);
    cache.dispose();
    const dst = be.zeros([2, 4, 3]);
    expect(() => ops.writeAt(be, dst, be.zeros([2, 2, 3]), 1, 3)).toThrow(/does not fit/);
    expect(() => ops.writeAt(be, dst, be.zeros([2, 2, 2]), 1, 0)).toThrow(/does not fit/);
    ops.writeAt(be, dst, be.fromData([1, 2, 3, 4, 5, 6], [2, 1, 3]), 1, 2);
    expect(Array.from((await dst.data()) as Float32Array)).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0]);
    const q = be.zeros([1, 1, 2, 3]);
    expect(() => ops.cachedAttention(be, q, be.zeros([1, 4, 2, 3]), be.zeros([1, 4, 2, 3]), 5)).toThrow(/keys must be in/);
  });
});
