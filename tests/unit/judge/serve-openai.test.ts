// `cli serve`'s OpenAI-compatible server, for real: the tiny checkpoint loaded on the cpu backend,
// a node:http server on an ephemeral port, requests with fetch. Holds the response shape, the
// chat template's prompt (usage counts), seeds, stop strings, n, CORS, the API key and the error
// shape (400, 401, 404, 429 with Retry-After).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiServer } from '../../../src/cli/serve/openai-server';
import { ServedModel, resolveModelDir, ModelFolderError, QueueFullError } from '../../../src/cli/serve/served-model';
import { openCheckpoint } from '../../../src/models/checkpoint';
import { folderFiles } from '../../../src/models/io/node-files';
import { createBackend } from '../../../src/tensor';

const DIR = 'tests/fixtures/tiny-checkpoint/llama-f32';
const KEY = 'sk-test-serve-123';
let model: ServedModel;
const servers: Server[] = [];

async function start(o: { apiKey?: string; ratePerMinute?: number; allowOrigin?: string } = {}): Promise<string> {
  const server = createOpenAiServer({ models: [model], ...o });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const chat = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

const MESSAGES = [
  { role: 'system', content: 'You like short answers.' },
  { role: 'user', content: 'hello there' },
];

let base = '';
beforeAll(async () => {
  model = await ServedModel.open(await createBackend('cpu'), DIR);
  base = await start();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

describe('cli serve: OpenAI-compatible chat completions', () => {
  it('lists the model and answers a chat completion in OpenAI shape, prompt rendered by the chat template', async () => {
    const models = await (await fetch(`${base}/models`)).json();
    expect(models).toMatchObject({ object: 'list', data: [{ id: 'llama-f32', object: 'model' }] });

    const res = await chat(base, { model: 'llama-f32', messages: MESSAGES, max_tokens: 6, temperature: 0 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const out = await res.json();
    expect(out.object).toBe('chat.completion');
    expect(out.model).toBe('llama-f32');
    expect(out.choices).toHaveLength(1);
    expect(out.choices[0].message.role).toBe('assistant');
    expect(typeof out.choices[0].message.content).toBe('string');
    expect(['stop', 'length']).toContain(out.choices[0].finish_reason);
    // prompt_tokens: the chat template's text, tokenized (not the raw messages).
    const ck = await openCheckpoint(await folderFiles(DIR));
    const expected = ck.tokenizer.encode(ck.tokenizer.applyChatTemplate(MESSAGES, { addGenerationPrompt: true })).length;
    expect(out.usage.prompt_tokens).toBe(expected);
    expect(out.usage.total_tokens).toBe(out.usage.prompt_tokens + out.usage.completion_tokens);
    expect(out.usage.completion_tokens).toBeLessThanOrEqual(6);
  });

  it('same seed same text; n choices; max_tokens bounds the length; stop cuts the text', async () => {
    const body = { messages: MESSAGES, max_tokens: 12, temperature: 1.5, seed: 7, n: 3 };
    const a = await (await chat(base, body)).json();
    const b = await (await chat(base, body)).json();
    expect(a.choices).toHaveLength(3);
    expect(a.choices.map((c: { message: { content: string } }) => c.message.content)).toEqual(b.choices.map((c: { message: { content: string } }) => c.message.content));
    // Random weights at temperature 1.5: three rows drawn apart are not all the same.
    expect(new Set(a.choices.map((c: { message: { content: string } }) => c.message.content)).size).toBeGreaterThan(1);
    expect(a.usage.completion_tokens).toBeLessThanOrEqual(36);

    const first = a.choices[0].message.content as string;
    const cut = first.trim().slice(1, 2);
    if (cut) {
      const stopped = await (await chat(base, { ...body, n: 1, stop: [cut] })).json();
      expect(stopped.choices[0].message.content).not.toContain(cut);
      expect(stopped.choices[0].finish_reason).toBe('stop');
    }
  });

  it('answers errors in OpenAI error shape: bad JSON, bad fields, unknown model, unknown path, context too long', async () => {
    const badJson = await fetch(`${base}/chat/completions`, { method: 'POST', body: '{not json' });
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('not valid JSON') });

    const temp = await chat(base, { messages: MESSAGES, temperature: -1 });
    expect(temp.status).toBe(400);
    expect((await temp.json()).error).toMatchObject({ param: 'temperature' });

    const noMessages = await chat(base, { model: 'llama-f32', messages: [] });
    expect((await noMessages.json()).error.param).toBe('messages');

    const unknown = await chat(base, { model: 'gpt-4o', messages: MESSAGES });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatchObject({ code: 'model_not_found', message: expect.stringContaining('llama-f32') });

    const path = await fetch(`${base}/completions`);
    expect(path.status).toBe(404);

    const long = await chat(base, { messages: MESSAGES, max_tokens: 1000 });
    expect(long.status).toBe(400);
    expect((await long.json()).error).toMatchObject({ code: 'context_length_exceeded', message: expect.stringContaining('256') });
  });

  it('lets a browser page call it: CORS headers and the OPTIONS preflight', async () => {
    const pre = await fetch(`${base}/chat/completions`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:4173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const one = await start({ allowOrigin: 'http://localhost:4173' });
    const r = await fetch(`${one}/models`);
    expect(r.headers.get('access-control-allow-origin')).toBe('http://localhost:4173');
  });

  it('with --api-key: 401 without or with a wrong key, 200 with it, preflight still open', async () => {
    const locked = await start({ apiKey: KEY });
    const none = await chat(locked, { messages: MESSAGES, max_tokens: 2 });
    expect(none.status).toBe(401);
    const noneBody = await none.json();
    expect(noneBody.error.code).toBe('invalid_api_key');
    expect(JSON.stringify(noneBody)).not.toContain(KEY);
    const wrong = await chat(locked, { messages: MESSAGES, max_tokens: 2 }, { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${locked}/models`)).status).toBe(401);
    expect((await fetch(`${locked}/chat/completions`, { method: 'OPTIONS' })).status).toBe(204);
    const ok = await chat(locked, { messages: MESSAGES, max_tokens: 2 }, { Authorization: `Bearer ${KEY}` });
    expect(ok.status).toBe(200);
  });

  it('queues requests one at a time and refuses (QueueFullError) beyond the queue', async () => {
    const tight = await ServedModel.open(await createBackend('cpu'), DIR, 0);
    const params = { messages: MESSAGES, maxTokens: 4, temperature: 0, topP: 1, seed: 1, stop: [], n: 1 };
    const [a, b] = [tight.complete(params), tight.complete(params)];
    await expect(b).rejects.toThrow(QueueFullError);
    expect((await a).choices).toHaveLength(1);
    // The queue frees again once the running one is done.
    expect((await tight.complete(params)).choices).toHaveLength(1);
  });

  it('with --rate: a second request inside the interval gets 429 with Retry-After, in OpenAI error shape', async () => {
    const limited = await start({ ratePerMinute: 30 });
    const first = await chat(limited, { messages: MESSAGES, max_tokens: 2 });
    expect(first.status).toBe(200);
    const second = await chat(limited, { messages: MESSAGES, max_tokens: 2 });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    expect((await second.json()).error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  });

  it('names the built-in model by its folder and refuses a folder that is not a checkpoint', () => {
    expect(resolveModelDir('builtin')).toBe('public/models/builtin');
    expect(resolveModelDir(DIR)).toBe(DIR);
    expect(() => resolveModelDir('no-such-model')).toThrow(ModelFolderError);
  });
});
