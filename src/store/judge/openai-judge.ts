// The external judge's client: asks any OpenAI-compatible chat endpoint (POST
// {baseUrl}/chat/completions) which of two answers a persona would prefer, one of two ways.
// 'letter': each pair is asked in both orders (position bias is real); when the two orders
// disagree the verdict is a tie. A small model that cannot name a letter earns only ties there.
// 'likelihood': each answer is scored alone as the judge's own reply to the persona and the
// question (its total log-probability, through `echo` + `logprobs`, which `cli serve` answers);
// the likelier answer wins, so no order is shown and none can be favoured. Only
// `fetch` is used, so the same module runs in the browser and in Node. Failures are typed
// (network or CORS, auth, rate limit, HTTP, malformed reply) with a message a person can act on;
// a 429 is retried after its Retry-After a bounded number of times. The key travels only in the
// Authorization header: no result, error or message here ever contains it.

export interface JudgeEndpoint {
  /** e.g. http://127.0.0.1:8089/v1 (the part before /chat/completions). */
  baseUrl: string;
  model: string;
  /** Sent as Authorization: Bearer; '' sends no header. */
  apiKey: string;
}

export interface JudgePair {
  /** Who the answers are for, in words (the persona's description). */
  persona: string;
  question: string;
  answers: readonly [string, string];
}

/** What the judge said in one order: `shown` maps A and B to the pair's answer indexes. */
export interface JudgeOrder {
  shown: readonly [number, number];
  reply: string;
  /** The pair's answer index the reply chose, or null when it named neither. */
  pick: number | null;
  /** 'letter': the reply named A or B; 'closest': it wrote an answer, matched to the closer one. */
  how: 'letter' | 'closest' | 'none';
}

export type JudgeMethod = 'letter' | 'likelihood';

export interface JudgeVerdict {
  /** 0 or 1: the answer the persona prefers; 'tie' when the orders disagree or neither chose (letter), or the likelihoods are equal. */
  preferred: 0 | 1 | 'tie';
  /** The letter method's two orders (none for the likelihood method). */
  orders: JudgeOrder[];
  model: string;
  /** Absent in records from before the likelihood method: 'letter'. */
  method?: JudgeMethod;
  /** The likelihood method: each answer's total log-probability as the judge's reply. */
  scores?: [number, number];
  /** The likelihood method: how the judge read the persona first, when it says (the built-in model does). */
  reading?: string;
}

export interface JudgeOptions {
  /** 'letter' (default): ask for A or B in both orders; 'likelihood': score each answer alone. */
  method?: JudgeMethod;
  /** Retries of a 429 (each after its Retry-After, at most maxRetryWaitS). Default 3. */
  maxRetries?: number;
  maxRetryWaitS?: number;
  maxTokens?: number;
  seed?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Told before each wait for a 429, so the UI can say so. */
  onRetry?: (waitS: number, attempt: number) => void;
  /** The wait itself (tests may shorten it; default setTimeout). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class JudgeError extends Error {
  override name = 'JudgeError';
  /** What kind of failure, for the UI: the vote stays queued for a retry in every case. */
  readonly kind: 'config' | 'network' | 'auth' | 'rate-limit' | 'http' | 'reply' | 'model' = 'http';
}
export class JudgeConfigError extends JudgeError {
  override name = 'JudgeConfigError';
  override readonly kind = 'config';
}
export class JudgeNetworkError extends JudgeError {
  override name = 'JudgeNetworkError';
  override readonly kind = 'network';
}
export class JudgeAuthError extends JudgeError {
  override name = 'JudgeAuthError';
  override readonly kind = 'auth';
}
export class JudgeRateLimitError extends JudgeError {
  override name = 'JudgeRateLimitError';
  override readonly kind = 'rate-limit';
}
export class JudgeHttpError extends JudgeError {
  override name = 'JudgeHttpError';
  override readonly kind = 'http';
}
export class JudgeReplyError extends JudgeError {
  override name = 'JudgeReplyError';
  override readonly kind = 'reply';
}

/** The chat completions URL of a base URL ('.../v1' or '.../v1/'); a config error when it is not http(s). */
export function completionsUrl(baseUrl: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl.trim());
  } catch {
    throw new JudgeConfigError(`'${baseUrl}' is not a URL: give the endpoint's base, e.g. http://127.0.0.1:8089/v1`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new JudgeConfigError(`the base URL must start with http:// or https://, not ${u.protocol}`);
  if (u.username || u.password) throw new JudgeConfigError('put the key in the key field, not in the URL');
  const path = u.pathname.replace(/\/+$/, '').replace(/\/chat\/completions$/, '');
  return `${u.origin}${path}/chat/completions`;
}

/** The two messages of one order: the persona as the system turn, the question and answers A, B. */
export function judgeMessages(pair: JudgePair, shown: readonly [number, number]): { role: string; content: string }[] {
  return [
    { role: 'system', content: pair.persona },
    {
      role: 'user',
      content:
        `${pair.question}\n\nAnswer A: ${pair.answers[shown[0]]}\n\nAnswer B: ${pair.answers[shown[1]]}\n\n` +
        'Which answer would the person described above prefer? Reply with the single letter A or B.',
    },
  ];
}

const words = (s: string) => new Set(s.toLowerCase().match(/[a-z0-9']+/g) ?? []);

function overlap(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const w of a) if (b.has(w)) n++;
  return a.size + b.size === 0 ? 0 : n / (a.size + b.size - n);
}

/**
 * Reads a reply: a leading or bracketed A/B ("A", "B.", "Answer: B", "[[A]]", "prefers B"); failing that, a
 * reply that wrote an answer of its own (a small generative model does) counts for the shown answer
 * it overlaps most in words, when that margin is clear; otherwise it chose nothing.
 */
export function readReply(reply: string, shownTexts: readonly [string, string]): { pick: 0 | 1 | null; how: JudgeOrder['how'] } {
  const t = reply.trim();
  const m =
    // A capital letter on its own: "A formal answer..." is a sentence, not a verdict.
    t.match(/^\W*(?:[Aa]nswer\s*:?\s*)?\(?([AB])\b(?!\s+[a-z])/) ??
    t.match(/\[\[([AB])\]\]/i) ??
    t.match(/\b(?:answer|prefer(?:s|red)?|choose|choice|verdict)\s*(?:is\s*)?:?\s*\(?([AB])\b/i);
  if (m) return { pick: m[1].toUpperCase() === 'A' ? 0 : 1, how: 'letter' };
  const r = words(t);
  const [a, b] = shownTexts.map((s) => overlap(r, words(s)));
  if (r.size >= 3 && Math.abs(a - b) >= 0.05) return { pick: a > b ? 0 : 1, how: 'closest' };
  return { pick: null, how: 'none' };
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new JudgeNetworkError('stopped'));
    });
  });
}

/** Seconds of a Retry-After header (seconds or an HTTP date), or null. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}

/** One chat completion: the reply's text, or a typed JudgeError. */
export async function chatCompletion(endpoint: JudgeEndpoint, messages: { role: string; content: string }[], o: JudgeOptions = {}): Promise<string> {
  const { json, text, url } = await postChat(endpoint, { messages, temperature: 0, max_tokens: o.maxTokens ?? 48, seed: o.seed ?? 1 }, o);
  const content = (json as { choices?: { message?: { content?: unknown } }[] } | undefined)?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') {
    throw new JudgeReplyError(`${url} did not answer as an OpenAI chat completion (no choices[0].message.content): ${text.slice(0, 200) || 'an empty body'}`);
  }
  return content;
}

/** An answer's total log-probability as the judge's reply after `messages` (echo + logprobs, nothing generated). */
export async function replyLogprob(endpoint: JudgeEndpoint, messages: { role: string; content: string }[], answer: string, o: JudgeOptions = {}): Promise<{ logprob: number; tokens: number; reading?: string }> {
  const { json, text, url } = await postChat(endpoint, { messages: [...messages, { role: 'assistant', content: answer }], echo: true, logprobs: true, max_tokens: 0, temperature: 0 }, o);
  const choice = (json as { choices?: { logprobs?: { content?: { logprob?: unknown }[] }; reading?: unknown }[] } | undefined)?.choices?.[0];
  const content = choice?.logprobs?.content;
  if (!Array.isArray(content) || content.length === 0 || content.some((t) => typeof t?.logprob !== 'number' || !Number.isFinite(t.logprob))) {
    throw new JudgeReplyError(
      `${url} did not return the log-probabilities of the given answer (choices[0].logprobs.content for echo + logprobs): ${text.slice(0, 200) || 'an empty body'}. ` +
        'Use the letter method with this server, or `npm run cli -- serve`, which scores answers.',
    );
  }
  return { logprob: content.reduce((a, t) => a + (t.logprob as number), 0), tokens: content.length, reading: typeof choice?.reading === 'string' ? choice.reading : undefined };
}

/** POSTs a chat completions body; the parsed JSON of a 2xx reply, or a typed JudgeError. */
async function postChat(endpoint: JudgeEndpoint, fields: Record<string, unknown>, o: JudgeOptions): Promise<{ json: unknown; text: string; url: string }> {
  const url = completionsUrl(endpoint.baseUrl);
  if (!endpoint.model.trim()) throw new JudgeConfigError('name the model to ask (for `npm run cli -- serve`: builtin)');
  const doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const sleep = o.sleep ?? defaultSleep;
  const maxRetries = o.maxRetries ?? 3;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (endpoint.apiKey) headers.Authorization = `Bearer ${endpoint.apiKey}`;
  const body = JSON.stringify({ model: endpoint.model.trim(), ...fields });
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await doFetch(url, { method: 'POST', headers, body, signal: o.signal });
    } catch (e) {
      // A browser says only "Failed to fetch" for a server that is down, a wrong URL and a CORS
      // refusal alike, so the message names all three.
      throw new JudgeNetworkError(
        `Could not reach ${url} (${(e as Error).message}): is the server running, is the URL right, and does it allow this page's origin (CORS)? ` +
          '`npm run cli -- serve` starts one that does.',
      );
    }
    if (res.status === 429) {
      const wait = retryAfterSeconds(res.headers.get('Retry-After')) ?? 2 ** attempt;
      const maxWait = o.maxRetryWaitS ?? 30;
      if (attempt >= maxRetries || wait > maxWait) {
        throw new JudgeRateLimitError(
          `${url} is rate limiting (429) after ${attempt + 1} tries${wait > maxWait ? `; it asks to wait ${Math.round(wait)} s` : ''}: wait a little and press Retry; the pairs stay queued`,
        );
      }
      o.onRetry?.(wait, attempt + 1);
      await sleep(wait * 1000, o.signal);
      continue;
    }
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const serverMessage = (json as { error?: { message?: unknown } } | undefined)?.error?.message;
    const said = typeof serverMessage === 'string' ? `: ${serverMessage}` : '';
    if (res.status === 401 || res.status === 403) {
      throw new JudgeAuthError(`${url} refused the key (${res.status})${said}. Check the key in the judge's settings${endpoint.apiKey ? '' : ' (none is set)'}.`);
    }
    if (!res.ok) throw new JudgeHttpError(`${url} answered ${res.status}${said || ` ${text.slice(0, 200)}`}`);
    return { json, text, url };
  }
}

/**
 * Judges one pair. Letter method: in both orders, the verdict the answer both orders chose, else a
 * tie. Likelihood method: each answer scored alone as the reply to the persona's question; the
 * likelier wins (a tie only when they are equal), the same whichever answer is first in the pair.
 */
export async function judgePair(endpoint: JudgeEndpoint, pair: JudgePair, o: JudgeOptions = {}): Promise<JudgeVerdict> {
  if (o.method === 'likelihood') {
    const messages = [
      { role: 'system', content: pair.persona },
      { role: 'user', content: pair.question },
    ];
    const a = await replyLogprob(endpoint, messages, pair.answers[0], o);
    const b = await replyLogprob(endpoint, messages, pair.answers[1], o);
    const preferred = a.logprob > b.logprob ? 0 : b.logprob > a.logprob ? 1 : 'tie';
    return { preferred, orders: [], model: endpoint.model.trim(), method: 'likelihood', scores: [a.logprob, b.logprob], reading: a.reading };
  }
  const orders: JudgeOrder[] = [];
  for (const shown of [
    [0, 1],
    [1, 0],
  ] as const) {
    const reply = await chatCompletion(endpoint, judgeMessages(pair, shown), o);
    const { pick, how } = readReply(reply, [pair.answers[shown[0]], pair.answers[shown[1]]]);
    orders.push({ shown, reply, pick: pick === null ? null : shown[pick], how });
  }
  const [x, y] = orders;
  const preferred = x.pick !== null && x.pick === y.pick ? (x.pick as 0 | 1) : 'tie';
  return { preferred, orders: [x, y], model: endpoint.model.trim(), method: 'letter' };
}
