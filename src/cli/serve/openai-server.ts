// An OpenAI-compatible HTTP server (node:http only) over ServedModels: `GET /v1/models` and
// `POST /v1/chat/completions` (messages, temperature, top_p, max_tokens, seed, stop, n). CORS
// headers and the OPTIONS preflight let a page in a browser (the lab's external judge) call it;
// with an API key, every /v1 request needs `Authorization: Bearer KEY`. Errors use OpenAI's shape,
// {"error": {"message", "type", "param", "code"}}, so any OpenAI client reads them. With `echo: true`,
// `logprobs: true` and `max_tokens: 0`, nothing is generated: the final (assistant) message is scored,
// its tokens' log-probabilities in `choices[0].logprobs.content` (the external judge's likelihood
// method; vLLM's echo reads the same way).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '../../models/chat-template';
import { ContextLengthError, QueueFullError, ScoreRequestError, type CompletionParams, type ServedModel } from './served-model';

export interface ServerOptions {
  models: readonly ServedModel[];
  /** When set, requests need `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Access-Control-Allow-Origin: '*' (default) or one origin. */
  allowOrigin?: string;
  /** Seconds a 429 for a full queue asks the client to wait (Retry-After). */
  retryAfterSeconds?: number;
  /** At most this many chat requests a minute, spaced evenly (a shared classroom server); more get 429. */
  ratePerMinute?: number;
  /** Default max_tokens when the request gives none. */
  defaultMaxTokens?: number;
  /** Called once per request, for a log line (never with the key or the body). */
  onRequest?: (line: string) => void;
}

const MAX_BODY = 1 << 20;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

class RateLimitedError extends Error {
  constructor(readonly waitS: number) {
    super('This server takes a limited number of requests a minute (--rate)');
  }
}

const bad = (message: string, param: string | null = null) => new HttpError(400, message, 'invalid_request_error', 'invalid_value', param);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, `The request body is over ${MAX_BODY} bytes`, 'invalid_request_error', 'request_too_large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function num(body: Record<string, unknown>, name: string, fallback: number, min: number, max: number, integer = false): number {
  const v = body[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw bad(`'${name}' must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not ${JSON.stringify(v)}`, name);
  }
  return v;
}

/** The request body checked into CompletionParams (400s name the field at fault). */
export function parseChatRequest(body: unknown, defaultMaxTokens: number): { model: string | undefined; score: boolean; params: CompletionParams } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (b.stream === true) throw bad("'stream': true is not supported by this server: leave it out", 'stream');
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw bad("'messages' must be a non-empty array of {role, content}", 'messages');
  const messages: ChatMessage[] = b.messages.map((m: unknown, i: number) => {
    const mm = m as Record<string, unknown> | null;
    if (!mm || typeof mm.role !== 'string') throw bad(`messages[${i}].role must be a string`, `messages[${i}].role`);
    let content = mm.content;
    // The array form [{type: 'text', text}] is joined; other parts (images) are refused.
    if (Array.isArray(content)) {
      content = content
        .map((part: { type?: unknown; text?: unknown }, j) => {
          if (part?.type !== 'text' || typeof part.text !== 'string') throw bad(`messages[${i}].content[${j}] must be a text part`, `messages[${i}].content`);
          return part.text;
        })
        .join('');
    }
    if (typeof content !== 'string') throw bad(`messages[${i}].content must be a string`, `messages[${i}].content`);
    return { role: mm.role, content };
  });
  const stopRaw = b.stop ?? [];
  const stop = typeof stopRaw === 'string' ? [stopRaw] : stopRaw;
  if (!Array.isArray(stop) || stop.length > 4 || stop.some((s) => typeof s !== 'string' || s === '')) throw bad("'stop' must be a string or up to 4 non-empty strings", 'stop');
  const score = b.echo === true && b.logprobs === true;
  const maxTokens = num(b, b.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens', defaultMaxTokens, score ? 0 : 1, 1 << 16, true);
  if (score && maxTokens !== 0) throw bad("With 'echo' and 'logprobs' this server scores the final message: set 'max_tokens' to 0", 'max_tokens');
  return {
    model: typeof b.model === 'string' ? b.model : undefined,
    score,
    params: {
      messages,
      maxTokens,
      temperature: num(b, 'temperature', 1, 0, 2),
      topP: num(b, 'top_p', 1, Number.MIN_VALUE, 1),
      // Without a seed each request draws one, as OpenAI's answers vary call to call.
      seed: num(b, 'seed', Math.floor(Math.random() * 2 ** 31), -(2 ** 53), 2 ** 53, true),
      stop: stop as string[],
      n: num(b, 'n', 1, 1, 8, true),
    },
  };
}

export function createOpenAiServer(o: ServerOptions): Server {
  const byId = new Map(o.models.map((m) => [m.id, m]));
  const created = Math.floor(Date.now() / 1000);
  let nextAllowed = 0;

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Max-Age': '600' });
      res.end();
      return;
    }
    if (o.apiKey !== undefined && req.headers.authorization !== `Bearer ${o.apiKey}`) {
      throw new HttpError(
        401,
        req.headers.authorization ? 'Incorrect API key provided' : 'No API key provided: send the header Authorization: Bearer <key> (this server was started with --api-key)',
        'invalid_request_error',
        'invalid_api_key',
      );
    }
    if (url.pathname === '/v1/models' && req.method === 'GET') {
      send(res, 200, { object: 'list', data: o.models.map((m) => ({ id: m.id, object: 'model', created, owned_by: 'persona-lab' })) });
      return;
    }
    if (url.pathname === '/v1/chat/completions') {
      if (req.method !== 'POST') throw new HttpError(405, `Use POST for ${url.pathname}`, 'invalid_request_error', 'method_not_allowed');
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (e) {
        if (e instanceof HttpError) throw e;
        throw bad(`The body is not valid JSON: ${(e as Error).message}`);
      }
      const { model: name, score, params } = parseChatRequest(body, o.defaultMaxTokens ?? 64);
      if (o.ratePerMinute) {
        const now = Date.now();
        if (now < nextAllowed) throw new RateLimitedError(Math.ceil((nextAllowed - now) / 1000));
        nextAllowed = now + 60_000 / o.ratePerMinute;
      }
      const model = name === undefined ? o.models[0] : byId.get(name);
      if (!model) {
        throw new HttpError(404, `The model '${name}' is not served here; served: ${[...byId.keys()].join(', ')}`, 'invalid_request_error', 'model_not_found', 'model');
      }
      if (score) {
        const scored = await model.score(params.messages);
        send(res, 200, {
          id: `chatcmpl-${randomUUID()}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: model.id,
          choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'length', logprobs: { content: scored.tokens.map((t) => ({ token: t.token, logprob: t.logprob, top_logprobs: [] })) }, ...(scored.reading ? { reading: scored.reading } : {}) }],
          usage: { prompt_tokens: scored.promptTokens + scored.tokens.length, completion_tokens: 0, total_tokens: scored.promptTokens + scored.tokens.length },
        });
        return;
      }
      const out = await model.complete(params);
      send(res, 200, {
        id: `chatcmpl-${randomUUID()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: model.id,
        choices: out.choices.map((c, index) => ({ index, message: { role: 'assistant', content: c.text }, finish_reason: c.finishReason, logprobs: null })),
        usage: { prompt_tokens: out.promptTokens, completion_tokens: out.completionTokens, total_tokens: out.promptTokens + out.completionTokens },
      });
      return;
    }
    throw new HttpError(404, `Unknown path ${req.method} ${url.pathname}: this server answers GET /v1/models and POST /v1/chat/completions`, 'invalid_request_error', 'unknown_url');
  }

  return createServer((req, res) => {
    const started = Date.now();
    res.setHeader('Access-Control-Allow-Origin', o.allowOrigin ?? '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    if (o.allowOrigin && o.allowOrigin !== '*') res.setHeader('Vary', 'Origin');
    handle(req, res)
      .catch((e: unknown) => {
        let err: HttpError;
        const headers: Record<string, string> = {};
        if (e instanceof HttpError) err = e;
        else if (e instanceof RateLimitedError) {
          err = new HttpError(429, `${e.message}: retry after ${e.waitS} s`, 'rate_limit_error', 'rate_limit_exceeded');
          headers['Retry-After'] = String(e.waitS);
        }
        else if (e instanceof QueueFullError) {
          err = new HttpError(429, `${e.message}: retry after the Retry-After seconds`, 'rate_limit_error', 'rate_limit_exceeded');
          headers['Retry-After'] = String(o.retryAfterSeconds ?? 1);
        } else if (e instanceof ScoreRequestError) err = new HttpError(400, e.message, 'invalid_request_error', 'invalid_value', 'messages');
        else if (e instanceof ContextLengthError) err = new HttpError(400, e.message, 'invalid_request_error', 'context_length_exceeded', 'messages');
        else err = new HttpError(500, `${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? String(e)}`, 'server_error');
        if (!res.headersSent) send(res, err.status, { error: { message: err.message, type: err.type, param: err.param, code: err.code } }, headers);
        else res.end();
      })
      .finally(() => o.onRequest?.(`${req.method} ${req.url} -> ${res.statusCode} (${Date.now() - started} ms)`));
  });
}
