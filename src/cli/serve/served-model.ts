// A checkpoint folder loaded for `cli serve`: its chat template renders OpenAI-style messages into
// the prompt the model was trained on, and `complete` generates n choices with our engine. Requests
// run one at a time (one model, one backend): a queue with a bound, so a flood gets a 429 rather
// than an ever-growing wait. `score` is the judge's other way to ask: the log-probability of each
// token of a given assistant reply (the OpenAI shape of `echo` with `logprobs`); a checkpoint in the
// built-in model's format reads the persona first (models/builtin/judge-prompt.ts).
import { basename, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { openCheckpoint } from '../../models/checkpoint';
import type { ChatMessage } from '../../models/chat-template';
import { generate, type Generation } from '../../models/generate/generate';
import { scoringBatch } from '../../models/batch';
import { tokenLogProbs } from '../../models/scoring';
import { judgeLayout } from '../../models/builtin/judge-prompt';
import { ReplyLayoutError } from '../../models/reply-judge';
import { engineInference } from '../../models/inference';
import { noGrad } from '../../autograd';
import { folderFiles } from '../../models/io/node-files';
import { LlamaModel } from '../../models/llama/model';
import type { TextTokenizer } from '../../models/tokenizer';
import { tidy, type Backend } from '../../tensor';

/** The lab's own model folders: `builtin` means public/models/builtin. */
export const PUBLIC_MODELS_DIR = 'public/models';

export interface CompletionParams {
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  stop: string[];
  n: number;
}

export interface Completion {
  choices: { text: string; finishReason: 'stop' | 'length' }[];
  promptTokens: number;
  completionTokens: number;
}

/** A scored reply: each of its tokens with its log-probability after the conversation before it. */
export interface ScoredReply {
  tokens: { token: string; logprob: number }[];
  promptTokens: number;
  /** The built-in model's reading of the persona, when it read one before scoring. */
  reading?: string;
}

/** A score request whose last message is not the assistant reply to score (a 400). */
export class ScoreRequestError extends Error {
  override name = 'ScoreRequestError';
}

/** The prompt plus max_tokens does not fit the model's context (a 400, as OpenAI answers it). */
export class ContextLengthError extends Error {
  override name = 'ContextLengthError';
}

/** Too many requests already waiting for this model: the server answers 429 with Retry-After. */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
}

/** A model name (a folder under public/models) or a path to a checkpoint folder, as a folder path. */
export function resolveModelDir(nameOrPath: string): string {
  const named = `${PUBLIC_MODELS_DIR}/${nameOrPath}`;
  if (!nameOrPath.includes('/') && existsSync(named)) return named;
  if (existsSync(nameOrPath) && statSync(nameOrPath).isDirectory()) return nameOrPath;
  throw new ModelFolderError(`'${nameOrPath}' is neither a folder under ${PUBLIC_MODELS_DIR}/ nor a checkpoint folder: give e.g. 'builtin' or a path holding config.json, tokenizer.json and the safetensors`);
}

export class ServedModel {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  private constructor(
    readonly id: string,
    readonly dir: string,
    private readonly model: LlamaModel,
    private readonly tokenizer: TextTokenizer,
    /** Requests that may wait while one runs; more get a QueueFullError. */
    private readonly maxQueue: number,
  ) {}

  static async open(backend: Backend, nameOrPath: string, maxQueue = 8): Promise<ServedModel> {
    const dir = resolveModelDir(nameOrPath);
    const ck = await openCheckpoint(await folderFiles(dir));
    if (ck.tokenizer.chatTemplate === null) {
      throw new ModelFolderError(`${dir} has no chat_template in tokenizer_config.json, so chat messages cannot be rendered: serve an instruct or chat checkpoint`);
    }
    const model = await LlamaModel.load(backend, ck.config, ck.weights);
    return new ServedModel(basename(resolve(dir)), dir, model, ck.tokenizer, maxQueue);
  }

  get contextLength(): number {
    return this.model.config.maxPositionEmbeddings;
  }

  /** Runs after the requests before it; rejects at once with QueueFullError when the queue is full. */
  complete(p: CompletionParams): Promise<Completion> {
    return this.queued(() => this.run(p));
  }

  /** The last message (the assistant's) scored token by token after the ones before it; queued like `complete`. */
  score(messages: readonly ChatMessage[]): Promise<ScoredReply> {
    return this.queued(() => this.runScore(messages));
  }

  private queued<T>(work: () => Promise<T>): Promise<T> {
    if (this.waiting > this.maxQueue) return Promise.reject(new QueueFullError(`${this.waiting} requests are already running or waiting for ${this.id}`));
    this.waiting++;
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run.finally(() => this.waiting--);
  }

  private async runScore(messages: readonly ChatMessage[]): Promise<ScoredReply> {
    const last = messages.at(-1);
    if (!last || last.role !== 'assistant') throw new ScoreRequestError("To score a reply, end 'messages' with it as the assistant's message");
    const context = messages.slice(0, -1);
    const tok = this.tokenizer;
    // The same layout an ONNX judge scores (models/reply-judge.ts): the built-in model reads the
    // persona first; any other model's reply is what its template writes after the generation prompt.
    let layout;
    try {
      layout = await judgeLayout(engineInference(this.model), tok, context, this.id);
    } catch (e) {
      if (e instanceof ReplyLayoutError) throw new ScoreRequestError(e.message);
      throw e;
    }
    let prompt: number[];
    let response: number[];
    try {
      ({ prompt, response } = layout.rows(last.content) as { prompt: number[]; response: number[] });
    } catch (e) {
      if (e instanceof ReplyLayoutError) throw new ScoreRequestError(e.message);
      throw e;
    }
    if (prompt.length + response.length > this.contextLength) {
      throw new ContextLengthError(`This model's maximum context length is ${this.contextLength} tokens; the messages take ${prompt.length + response.length}: shorten them`);
    }
    const batch = scoringBatch([{ prompt, response }], tok.padId);
    const t = noGrad(() => tidy(() => tokenLogProbs(this.model, batch)));
    let lp: Float32Array;
    try {
      lp = (await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
    const logprobs = [...lp].filter((_, i) => batch.weights[i] !== 0);
    return { tokens: response.map((id, i) => ({ token: tok.decode([id]), logprob: logprobs[i] })), promptTokens: prompt.length, reading: layout.reading };
  }

  private async run(p: CompletionParams): Promise<Completion> {
    const text = this.tokenizer.applyChatTemplate(p.messages, { addGenerationPrompt: true });
    const prompt = this.tokenizer.encode(text);
    if (prompt.length + p.maxTokens > this.contextLength) {
      throw new ContextLengthError(
        `This model's maximum context length is ${this.contextLength} tokens; the messages take ${prompt.length} and max_tokens asks for ${p.maxTokens}: shorten the messages or lower max_tokens`,
      );
    }
    const gens: Generation[] = await generate(this.model, this.tokenizer, new Array(p.n).fill(prompt), {
      maxNewTokens: p.maxTokens,
      temperature: p.temperature,
      topP: p.topP,
      seed: p.seed,
      stopStrings: p.stop,
      vocabLimit: this.tokenizer.size,
    });
    return {
      choices: gens.map((g) => ({ text: g.text, finishReason: g.reason === 'length' ? 'length' : 'stop' })),
      promptTokens: prompt.length,
      completionTokens: gens.reduce((s, g) => s + g.ids.length, 0),
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}
