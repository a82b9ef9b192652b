// A checkpoint folder loaded for `cli serve`: its chat template renders OpenAI-style messages into
// the prompt the model was trained on, and `complete` generates n choices with our engine. Requests
// run one at a time (one model, one backend): a queue with a bound, so a flood gets a 429 rather
// than an ever-growing wait.
import { basename, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { openCheckpoint } from '../../models/checkpoint';
import type { ChatMessage } from '../../models/chat-template';
import { generate, type Generation } from '../../models/generate/generate';
import { folderFiles } from '../../models/io/node-files';
import { LlamaModel } from '../../models/llama/model';
import type { TextTokenizer } from '../../models/tokenizer';
import type { Backend } from '../../tensor';

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
    if (this.waiting > this.maxQueue) return Promise.reject(new QueueFullError(`${this.waiting} requests are already running or waiting for ${this.id}`));
    this.waiting++;
    const run = this.tail.then(() => this.run(p));
    this.tail = run.catch(() => undefined);
    return run.finally(() => this.waiting--);
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
