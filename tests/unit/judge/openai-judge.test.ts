// The external judge's client against the real `npm run cli -- serve` (a child process serving the
// built-in model on an ephemeral port): both orders asked, the verdict read, the key sent only as
// a header; auth, rate-limit, network and malformed-reply failures as typed errors with clear
// messages. Pure parsing (readReply, completionsUrl, Retry-After) tested on its own below.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JudgeAuthError,
  JudgeConfigError,
  JudgeNetworkError,
  JudgeRateLimitError,
  JudgeReplyError,
  completionsUrl,
  judgePair,
  readReply,
  retryAfterSeconds,
  type JudgePair,
} from '../../../src/store/judge/openai-judge';
import { startServe, type ServeProcess } from '../../helpers/serve-process';

const KEY = 'sk-judge-test-5f2e9a';
const PAIR: JudgePair = {
  persona: 'age: 66\neducation: Doctorate\nreligion: Atheist',
  question: 'How should I plan my savings?',
  answers: ['Good evening. A detailed, careful plan: keep six months of expenses in a savings account.', 'lol just wing it, buy crypto and see what happens!'],
};

let open: ServeProcess;
let locked: ServeProcess;
beforeAll(async () => {
  [open, locked] = await Promise.all([startServe([]), startServe(['--api-key', KEY, '--rate', '12'])]);
}, 240_000);
afterAll(async () => {
  await Promise.all([open?.stop(), locked?.stop()]);
});

describe('external judge against cli serve', () => {
  it('judges a pair in both orders; the verdict is the agreed answer or a tie', async () => {
    const v = await judgePair({ baseUrl: open.baseUrl, model: 'builtin', apiKey: '' }, PAIR);
    expect(v.model).toBe('builtin');
    expect(v.orders.map((o) => o.shown)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    for (const o of v.orders) expect(typeof o.reply).toBe('string');
    const [x, y] = v.orders;
    expect(v.preferred).toBe(x.pick !== null && x.pick === y.pick ? x.pick : 'tie');
    // Greedy and seeded: the same question gets the same verdict.
    expect(await judgePair({ baseUrl: `${open.baseUrl}/`, model: 'builtin', apiKey: '' }, PAIR)).toEqual(v);
  });

  it('sends the key as a Bearer header: 401 without it as a JudgeAuthError, and the key never in a message', async () => {
    const noKey = judgePair({ baseUrl: locked.baseUrl, model: 'builtin', apiKey: '' }, PAIR);
    await expect(noKey).rejects.toThrow(JudgeAuthError);
    await expect(noKey).rejects.toThrow(/refused the key \(401\).*none is set/);
    const wrong = await judgePair({ baseUrl: locked.baseUrl, model: 'builtin', apiKey: 'sk-wrong' }, PAIR).catch((e: Error) => e);
    expect(wrong).toBeInstanceOf(JudgeAuthError);
    expect((wrong as Error).message).not.toContain('sk-wrong');
  });

  it('waits out a 429 by its Retry-After, a bounded number of times', async () => {
    // --rate 12: one request in 5 s, so the second order of a pair meets a 429 and waits.
    const waits: number[] = [];
    const v = await judgePair({ baseUrl: locked.baseUrl, model: 'builtin', apiKey: KEY }, PAIR, { onRetry: (s) => waits.push(s) });
    expect(['tie', 0, 1]).toContain(v.preferred);
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits.every((s) => s >= 1 && s <= 5)).toBe(true);
    // No retries allowed: the 429 is a clear JudgeRateLimitError.
    const e = await judgePair({ baseUrl: locked.baseUrl, model: 'builtin', apiKey: KEY }, PAIR, { maxRetries: 0 }).catch((x: Error) => x);
    expect(e).toBeInstanceOf(JudgeRateLimitError);
    expect((e as Error).message).toMatch(/rate limiting \(429\).*Retry/);
    expect((e as Error).message).not.toContain(KEY);
  });

  it('a stopped server, an unknown model, a bad URL: clear messages', async () => {
    const other = await startServe([]);
    const base = other.baseUrl;
    await other.stop();
    const down = await judgePair({ baseUrl: base, model: 'builtin', apiKey: KEY }, PAIR).catch((x: Error) => x);
    expect(down).toBeInstanceOf(JudgeNetworkError);
    expect((down as Error).message).toMatch(/Could not reach .*is the server running.*CORS/);
    expect((down as Error).message).not.toContain(KEY);

    await expect(judgePair({ baseUrl: open.baseUrl, model: 'gpt-4o', apiKey: '' }, PAIR)).rejects.toThrow(/answered 404: The model 'gpt-4o' is not served here; served: builtin/);
    await expect(judgePair({ baseUrl: 'localhost:8089', model: 'builtin', apiKey: '' }, PAIR)).rejects.toThrow(JudgeConfigError);
    await expect(judgePair({ baseUrl: open.baseUrl, model: ' ', apiKey: '' }, PAIR)).rejects.toThrow(/name the model/);
  });

  it('a server that does not answer as OpenAI does: a JudgeReplyError naming what came back', async () => {
    const odd = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>hello</html>'));
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(odd.address() as AddressInfo).port}/v1`;
      await expect(judgePair({ baseUrl: url, model: 'x', apiKey: '' }, PAIR)).rejects.toThrow(JudgeReplyError);
      await expect(judgePair({ baseUrl: url, model: 'x', apiKey: '' }, PAIR)).rejects.toThrow(/no choices\[0\]\.message\.content.*<html>hello/);
    } finally {
      await new Promise<void>((r) => odd.close(() => r()));
    }
  });
});

describe('reading replies and URLs', () => {
  const shown = ['a formal detailed plan with savings', 'a joke about crypto and luck'] as const;
  it('reads a letter in its usual forms', () => {
    for (const [reply, pick] of [
      ['A', 0],
      ['B.', 1],
      [' (B) because', 1],
      ['a', null],
      ['Answer: A', 0],
      ['I think [[B]] fits', 1],
      ['The person would prefer B', 1],
    ] as const) {
      expect(readReply(reply, shown), reply).toEqual(pick === null ? { pick, how: 'none' } : { pick, how: 'letter' });
    }
  });
  it('matches a written answer to the closer shown one, and refuses to guess without a clear margin', () => {
    expect(readReply('a formal plan: build savings, in detail', shown)).toEqual({ pick: 0, how: 'closest' });
    expect(readReply('A formal plan: build savings, in detail', shown)).toEqual({ pick: 0, how: 'closest' });
    expect(readReply('crypto luck joke', shown)).toEqual({ pick: 1, how: 'closest' });
    expect(readReply('hmm', shown)).toEqual({ pick: null, how: 'none' });
    expect(readReply('', shown)).toEqual({ pick: null, how: 'none' });
  });
  it('builds the completions URL from a base', () => {
    expect(completionsUrl('http://127.0.0.1:8089/v1')).toBe('http://127.0.0.1:8089/v1/chat/completions');
    expect(completionsUrl('https://api.example.com/v1/chat/completions/')).toBe('https://api.example.com/v1/chat/completions');
    expect(() => completionsUrl('ftp://x')).toThrow(JudgeConfigError);
    expect(() => completionsUrl('http://user:pw@x/v1')).toThrow(/key field/);
  });
  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterSeconds('3')).toBe(3);
    expect(retryAfterSeconds(new Date(10_000).toUTCString(), 4_000)).toBe(6);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds('soon')).toBeNull();
  });
});
