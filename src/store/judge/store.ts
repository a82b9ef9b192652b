// The external judge's state: its settings (off by default; base URL and model, or a cached ONNX
// model judging in this browser's runner worker: onnx-judge.ts), the queue of
// pairs waiting to be judged and the verdicts. The key is kept apart: only in this browser's
// localStorage under its own name, read at the moment of a request and never held in this store's
// state, so no export, share link, run record or log built from the state can carry it. A pair
// leaves the queue only when its verdict is in: a failure (network, CORS, auth, 429 after its
// retries, a malformed reply) leaves it queued with the message, for Retry; nothing is lost, and
// the queue and verdicts survive a reload (localStorage, without the key).
import { create } from 'zustand';
import { JudgeError, judgePair, type JudgeMethod, type JudgeOptions, type JudgePair, type JudgeVerdict } from './openai-judge';
import { judgeWithOnnx, ONNX_JUDGE_WHERE } from './onnx-judge';

export const KEY_STORAGE = 'persona-lab:external-judge:key';
export const SETTINGS_STORAGE = 'persona-lab:external-judge:settings';
export const RECORDS_STORAGE = 'persona-lab:external-judge:records';

export interface JudgeSettings {
  enabled: boolean;
  baseUrl: string;
  model: string;
  /** How the judge decides (openai-judge.ts): 'likelihood' suits a small model such as the built-in one. */
  method: JudgeMethod;
  /** Who judges: an OpenAI-compatible endpoint, or a cached ONNX model in this browser (likelihood method only). */
  source: 'endpoint' | 'onnx';
  /** source 'onnx': the model cache group, 'onnx:NAME'. */
  onnxModel: string;
}

export const DEFAULT_JUDGE_SETTINGS: JudgeSettings = { enabled: false, baseUrl: 'http://127.0.0.1:8089/v1', model: 'builtin', method: 'likelihood', source: 'endpoint', onnxModel: '' };

/** A pair to judge, with what the UI shows about it (labels of the two answers, whom it is for). */
export interface JudgeRequest extends JudgePair {
  /** Stable for the same pair, so asking twice does not queue it twice. */
  id: string;
  personaLabel: string;
  answerLabels: readonly [string, string];
}

export interface QueuedPair {
  request: JudgeRequest;
  /** Why the last try failed: kept until a retry succeeds. */
  error?: { kind: JudgeError['kind'] | 'unknown'; message: string };
}

export interface JudgeRecord {
  at: string;
  request: JudgeRequest;
  verdict: JudgeVerdict;
  /** Where the verdict came from: base URL and model (never the key). */
  endpoint: { baseUrl: string; model: string };
}

export type JudgeActivity = { kind: 'idle' } | { kind: 'running'; done: number; total: number; note?: string };

interface ExternalJudgeState {
  settings: JudgeSettings;
  /** Whether a key is stored (the key itself is never in the state). */
  hasKey: boolean;
  queue: QueuedPair[];
  records: JudgeRecord[];
  activity: JudgeActivity;
  setSettings(patch: Partial<JudgeSettings>): void;
  /** Stores the key in this browser's localStorage only ('' forgets it). */
  setKey(key: string): void;
  /** Adds pairs not yet judged or queued, then judges the queue. */
  judge(requests: readonly JudgeRequest[], o?: Pick<JudgeOptions, 'fetch' | 'sleep'>): Promise<void>;
  /** Judges what is queued (after a failure: the Retry button). */
  runQueue(o?: Pick<JudgeOptions, 'fetch' | 'sleep'>): Promise<void>;
  dropQueued(id: string): void;
  clearRecords(): void;
}

function storage(): Storage | null {
  return typeof localStorage !== 'undefined' ? localStorage : null;
}

function load<T>(name: string, fallback: T): T {
  try {
    const raw = storage()?.getItem(name);
    return raw ? { ...fallback, ...JSON.parse(raw) } : fallback;
  } catch {
    return fallback;
  }
}

function save(name: string, value: unknown): void {
  try {
    storage()?.setItem(name, JSON.stringify(value));
  } catch {
    // Storage full or blocked: the state still works for this visit.
  }
}

/** The stored key, or '' (read at request time only). */
export function storedKey(): string {
  return storage()?.getItem(KEY_STORAGE) ?? '';
}

/** The verdicts as a JSON document: pairs, replies, verdicts and the endpoint, never the key. */
export function judgeRecordsJson(records: readonly JudgeRecord[]): string {
  return JSON.stringify({ kind: 'persona-lab-external-judge', version: 1, exportedAt: new Date().toISOString(), records }, null, 2);
}

let running: Promise<void> | null = null;

export const useExternalJudge = create<ExternalJudgeState>()((set, get) => {
  const persisted = load<{ queue: QueuedPair[]; records: JudgeRecord[] }>(RECORDS_STORAGE, { queue: [], records: [] });
  const persist = () => save(RECORDS_STORAGE, { queue: get().queue, records: get().records });

  async function drain(o: Pick<JudgeOptions, 'fetch' | 'sleep'> = {}): Promise<void> {
    const total = get().queue.length;
    let done = 0;
    set({ activity: { kind: 'running', done, total } });
    try {
      for (const item of [...get().queue]) {
        const { settings } = get();
        try {
          let verdict: JudgeVerdict;
          let endpoint: JudgeRecord['endpoint'];
          if (settings.source === 'onnx') {
            const { provider, ...v } = await judgeWithOnnx(settings.onnxModel, item.request);
            verdict = v;
            endpoint = { baseUrl: `${ONNX_JUDGE_WHERE} (${provider} EP)`, model: settings.onnxModel };
          } else {
            verdict = await judgePair({ baseUrl: settings.baseUrl, model: settings.model, apiKey: storedKey() }, item.request, {
              ...o,
              method: settings.method,
              onRetry: (waitS, attempt) => set({ activity: { kind: 'running', done, total, note: `Rate limited (429): waiting ${Math.ceil(waitS)} s before try ${attempt + 1}` } }),
            });
            endpoint = { baseUrl: settings.baseUrl, model: settings.model };
          }
          const record: JudgeRecord = { at: new Date().toISOString(), request: item.request, verdict, endpoint };
          set({ records: [...get().records, record], queue: get().queue.filter((q) => q.request.id !== item.request.id) });
          done++;
          set({ activity: { kind: 'running', done, total } });
        } catch (e) {
          const error = { kind: e instanceof JudgeError ? e.kind : ('unknown' as const), message: e instanceof Error ? e.message : String(e) };
          set({ queue: get().queue.map((q) => (q.request.id === item.request.id ? { ...q, error } : q)) });
          // One failure names the problem for every pair: the rest wait for Retry rather than fail alike.
          break;
        } finally {
          persist();
        }
      }
    } finally {
      set({ activity: { kind: 'idle' } });
    }
  }

  return {
    settings: load(SETTINGS_STORAGE, DEFAULT_JUDGE_SETTINGS),
    hasKey: storedKey() !== '',
    queue: persisted.queue,
    records: persisted.records,
    activity: { kind: 'idle' },

    setSettings(patch) {
      const settings = { ...get().settings, ...patch };
      save(SETTINGS_STORAGE, settings);
      set({ settings });
    },

    setKey(key) {
      const s = storage();
      if (key) s?.setItem(KEY_STORAGE, key);
      else s?.removeItem(KEY_STORAGE);
      set({ hasKey: key !== '' });
    },

    async judge(requests, o) {
      const known = new Set([...get().queue.map((q) => q.request.id), ...get().records.map((r) => r.request.id)]);
      const fresh = requests.filter((r) => !known.has(r.id)).map((request) => ({ request }));
      if (fresh.length > 0) {
        set({ queue: [...get().queue, ...fresh] });
        persist();
      }
      await get().runQueue(o);
    },

    async runQueue(o) {
      if (running) return running;
      if (!get().settings.enabled || get().queue.length === 0) return;
      running = drain(o).finally(() => {
        running = null;
      });
      return running;
    },

    dropQueued(id) {
      set({ queue: get().queue.filter((q) => q.request.id !== id) });
      persist();
    },

    clearRecords() {
      set({ records: [] });
      persist();
    },
  };
});

export const useJudgeSettings = () => useExternalJudge((s) => s.settings);
export const useJudgeQueue = () => useExternalJudge((s) => s.queue);
export const useJudgeRecords = () => useExternalJudge((s) => s.records);
export const useJudgeActivity = () => useExternalJudge((s) => s.activity);
