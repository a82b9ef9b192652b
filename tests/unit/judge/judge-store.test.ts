// The external judge's store against a real OpenAI-compatible server (cli serve's, in-process, the
// tiny checkpoint): off by default; verdicts recorded; a failure (server down, wrong key) keeps the
// pair queued with a clear message, and Retry finishes it; the key lives only under its own
// localStorage name, never in the state, the verdict export or the persisted records.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOpenAiServer } from '../../../src/cli/serve/openai-server';
import { ServedModel } from '../../../src/cli/serve/served-model';
import type { JudgeRequest } from '../../../src/store/judge/store';
import { createBackend } from '../../../src/tensor';

const KEY = 'sk-store-secret-77c1';
// A browser's localStorage, for Node (the store reads globalThis.localStorage).
const stored = new Map<string, string>();
vi.stubGlobal('localStorage', {
  getItem: (k: string) => stored.get(k) ?? null,
  setItem: (k: string, v: string) => void stored.set(k, String(v)),
  removeItem: (k: string) => void stored.delete(k),
  clear: () => stored.clear(),
  key: (i: number) => [...stored.keys()][i] ?? null,
  get length() {
    return stored.size;
  },
});
const { useExternalJudge, judgeRecordsJson, KEY_STORAGE, RECORDS_STORAGE } = await import('../../../src/store/judge/store');

let server: Server;
let base = '';
beforeAll(async () => {
  const model = await ServedModel.open(await createBackend('cpu'), 'tests/fixtures/tiny-checkpoint/llama-f32');
  server = createOpenAiServer({ models: [model], apiKey: KEY, defaultMaxTokens: 4 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const request = (n: number): JudgeRequest => ({
  id: `pair-${n}`,
  persona: `persona ${n}: likes short answers`,
  personaLabel: `persona p${n}`,
  question: 'hello there',
  answers: ['hello', 'the cat sat'],
  answerLabels: ['Answer A', 'Answer B'],
});

const everything = () => JSON.stringify(useExternalJudge.getState()) + judgeRecordsJson(useExternalJudge.getState().records) + (stored.get(RECORDS_STORAGE) ?? '');

describe('external judge store', () => {
  it('is off by default and judges nothing while off', async () => {
    const s = useExternalJudge.getState();
    expect(s.settings.enabled).toBe(false);
    await s.judge([request(1)]);
    expect(useExternalJudge.getState().records).toHaveLength(0);
  });

  it('records verdicts; the key only under its own storage name', async () => {
    const s = useExternalJudge.getState();
    s.setSettings({ enabled: true, baseUrl: base, model: 'llama-f32' });
    s.setKey(KEY);
    expect(stored.get(KEY_STORAGE)).toBe(KEY);
    expect(useExternalJudge.getState().hasKey).toBe(true);
    await s.judge([request(1), request(2)]);
    const { records, queue } = useExternalJudge.getState();
    expect(queue).toEqual([]);
    expect(records.map((r) => r.request.id)).toEqual(['pair-1', 'pair-2']);
    for (const r of records) {
      expect(['tie', 0, 1]).toContain(r.verdict.preferred);
      expect(r.endpoint).toEqual({ baseUrl: base, model: 'llama-f32' });
    }
    // Asking again does not judge the same pair twice.
    await s.judge([request(1)]);
    expect(useExternalJudge.getState().records).toHaveLength(2);
    expect(everything()).not.toContain(KEY);
  });

  it('a wrong key, then a server that is down: the pair stays queued with the message; Retry finishes it', async () => {
    const s = useExternalJudge.getState();
    s.setKey('sk-wrong-key-0000');
    await s.judge([request(3)]);
    let st = useExternalJudge.getState();
    expect(st.queue).toHaveLength(1);
    expect(st.queue[0].error).toMatchObject({ kind: 'auth', message: expect.stringContaining('401') });
    expect(st.records).toHaveLength(2);

    s.setKey(KEY);
    s.setSettings({ baseUrl: 'http://127.0.0.1:9/v1' });
    await s.runQueue();
    st = useExternalJudge.getState();
    expect(st.queue[0].error).toMatchObject({ kind: 'network', message: expect.stringMatching(/Could not reach/) });
    // The queue survives a reload: it is persisted (without the key).
    expect(JSON.parse(stored.get(RECORDS_STORAGE)!).queue).toHaveLength(1);

    s.setSettings({ baseUrl: base });
    await s.runQueue();
    st = useExternalJudge.getState();
    expect(st.queue).toEqual([]);
    expect(st.records.map((r) => r.request.id)).toEqual(['pair-1', 'pair-2', 'pair-3']);
    expect(everything()).not.toContain(KEY);
    expect(everything()).not.toContain('sk-wrong-key-0000');
  });

  it('forgetting the key removes it from storage', () => {
    useExternalJudge.getState().setKey('');
    expect(stored.has(KEY_STORAGE)).toBe(false);
    expect(useExternalJudge.getState().hasKey).toBe(false);
  });
});
