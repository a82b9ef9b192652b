// The external judge's likelihood method with the built-in model served by cli serve's server (the
// same createOpenAiServer and ServedModel as `npm run cli -- serve`, in process): on pairs where the
// truth prefers one answer strongly (a persona's Bayes-best answer against its mirror, every pole
// flipped, |ΔU| ≥ 2), the verdicts are not all ties and agree with the truth more than chance
// (one-sided binomial p < 0.05); swapping the answers swaps the scores exactly (no position bias);
// the letter method on the same pairs is printed beside it (the built-in model cannot name a
// letter: ties). Also the server's scoring reply: OpenAI's logprobs shape, and refusals.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUILTIN, QUESTIONS, bayesBestAnswer, generateBuiltin, responseText, trueUtility } from '../../../src/data';
import { builtinPersonaText } from '../../../src/models/builtin/format';
import { createOpenAiServer } from '../../../src/cli/serve/openai-server';
import { ServedModel } from '../../../src/cli/serve/served-model';
import { judgePair, type JudgeEndpoint, type JudgePair } from '../../../src/store/judge/openai-judge';
import { createBackend } from '../../../src/tensor';
import { Rng } from '../../../src/util/rng';

const N = 40;
let server: Server;
let endpoint: JudgeEndpoint;

beforeAll(async () => {
  const model = await ServedModel.open(await createBackend('cpu'), 'builtin');
  server = createOpenAiServer({ models: [model] });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, model: 'builtin', apiKey: '' };
}, 120_000);
afterAll(() => new Promise<void>((r) => server?.close(() => r())));

/** Pairs the truth prefers strongly, in a seeded order: which answer is first is random. */
function strongPairs(n: number): { pair: JudgePair; truth: 0 | 1 }[] {
  const ds = generateBuiltin(DEFAULT_BUILTIN);
  const rng = new Rng(2026).fork('likelihood-judge');
  const out: { pair: JudgePair; truth: 0 | 1 }[] = [];
  while (out.length < n) {
    const p = rng.pick(ds.personas);
    const q = rng.pick(QUESTIONS);
    const best = bayesBestAnswer(ds, p.id, q.id);
    const mirror = best.poles.map((x) => -x);
    const u = (poles: readonly number[]) => trueUtility(ds, ds.truth.personaIndex(p.id), ds.question(q.id), poles);
    const du = u(best.poles) - u(mirror);
    if (Math.abs(du) < 2) continue;
    const texts = [best.text, responseText(q, mirror)];
    const first = rng.next() < 0.5 ? 0 : 1;
    const answers: [string, string] = [texts[first], texts[1 - first]];
    const truthIdx = du > 0 ? 0 : 1; // index in `texts`
    out.push({ pair: { persona: builtinPersonaText(p.attributes), question: q.text, answers }, truth: (truthIdx === first ? 0 : 1) as 0 | 1 });
  }
  return out;
}

/** P(X ≥ k) for X ~ Binomial(n, 1/2). */
function binomialTail(k: number, n: number): number {
  let p = 0;
  let c = 1;
  for (let i = 0; i <= n; i++) {
    if (i >= k) p += c;
    c = (c * (n - i)) / (i + 1);
  }
  return p / 2 ** n;
}

describe('likelihood judge with the built-in model', () => {
  it('agrees with the truth on strongly preferred pairs more than chance, never favouring a position', async () => {
    const pairs = strongPairs(N);
    let agree = 0;
    let ties = 0;
    let firstWins = 0;
    for (const { pair, truth } of pairs) {
      const v = await judgePair(endpoint, pair, { method: 'likelihood' });
      expect(v.method).toBe('likelihood');
      expect(v.orders).toEqual([]);
      expect(v.reading).toMatch(/->/);
      if (v.preferred === 'tie') ties++;
      else {
        if (v.preferred === truth) agree++;
        if (v.preferred === 0) firstWins++;
      }
    }
    // Position: the same pair with its answers swapped gets the same scores, swapped.
    for (const { pair } of pairs.slice(0, 3)) {
      const v = await judgePair(endpoint, pair, { method: 'likelihood' });
      const w = await judgePair(endpoint, { ...pair, answers: [pair.answers[1], pair.answers[0]] }, { method: 'likelihood' });
      expect(w.scores).toEqual([v.scores![1], v.scores![0]]);
      expect(w.preferred).toBe(v.preferred === 'tie' ? 'tie' : 1 - v.preferred);
    }
    // The letter method on a few of the same pairs, for the record.
    let letterTies = 0;
    const few = pairs.slice(0, 6);
    for (const { pair } of few) if ((await judgePair(endpoint, pair, { maxTokens: 24 })).preferred === 'tie') letterTies++;
    const p = binomialTail(agree, N);
    console.log(`likelihood judge, built-in model, ${N} strongly preferred pairs: ${agree} agree with the truth (${((100 * agree) / N).toFixed(1)}%, binomial p ${p.toFixed(4)}), ${ties} ties, first answer chosen ${firstWins}; letter method: ${letterTies} ties of ${few.length}`);
    expect(ties).toBeLessThan(N);
    expect(p).toBeLessThan(0.05);
  }, 600_000);

  it('scores a reply in the logprobs shape, and refuses a score request without a reply or with tokens to generate', async () => {
    const url = `${endpoint.baseUrl}/chat/completions`;
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const messages = [
      { role: 'system', content: 'age: 30' },
      { role: 'user', content: 'Any tips for a first job interview?' },
    ];
    const ok = await post({ model: 'builtin', messages: [...messages, { role: 'assistant', content: 'Be on time.' }], echo: true, logprobs: true, max_tokens: 0 });
    expect(ok.status).toBe(200);
    const json = (await ok.json()) as { choices: { logprobs: { content: { token: string; logprob: number }[] } }[] };
    const toks = json.choices[0].logprobs.content;
    expect(toks.length).toBeGreaterThan(2);
    expect(toks.every((t) => t.logprob <= 0 && Number.isFinite(t.logprob))).toBe(true);
    expect(toks.map((t) => t.token).join('')).toContain('on time');
    const noReply = await post({ model: 'builtin', messages, echo: true, logprobs: true, max_tokens: 0 });
    expect(noReply.status).toBe(400);
    expect(((await noReply.json()) as { error: { message: string } }).error.message).toMatch(/assistant/);
    const generating = await post({ model: 'builtin', messages, echo: true, logprobs: true, max_tokens: 5 });
    expect(generating.status).toBe(400);
  });
});
