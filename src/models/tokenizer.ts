// The text side of a checkpoint: tokenizer.json + tokenizer_config.json through
// @huggingface/tokenizers, checked against config.json (every token id must have an embedding row;
// the config's special ids must be tokens), plus the special ids generation and padding need and
// the chat template (./chat-template.ts).
import { Tokenizer } from '@huggingface/tokenizers';
import { renderChatTemplate, pickChatTemplate, type ChatMessage } from './chat-template';
import type { ModelConfig } from './config';
import { TokenizerError, TokenizerMismatchError } from './errors';

export interface EncodeOptions {
  /** Let the post-processor add BOS/EOS as the tokenizer is configured to (default true). */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
}

type Json = Record<string, unknown>;

export class TextTokenizer {
  /** Tokens the tokenizer knows, added tokens included (may be below config.vocab_size). */
  readonly size: number;
  readonly bosId: number | null;
  /** Ids that end generation: config.json's eos ids, else the tokenizer's eos_token. */
  readonly eosIds: number[];
  /** The padding id: pad_token, else config.json's pad_token_id, else the first eos id. */
  readonly padId: number;
  readonly chatTemplate: string | null;

  private constructor(
    private readonly tok: Tokenizer,
    private readonly config: Json,
    model: ModelConfig | null,
  ) {
    const vocab = tok.get_vocab(true);
    this.size = vocab.size;
    let maxId = -1;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    const bos = this.specialId('bos_token');
    const eos = this.specialId('eos_token');
    const pad = this.specialId('pad_token');
    this.bosId = model?.bosTokenId ?? bos;
    this.eosIds = model && model.eosTokenIds.length > 0 ? model.eosTokenIds : eos !== null ? [eos] : [];
    const padId = pad ?? model?.padTokenId ?? this.eosIds[0];
    if (padId === undefined) throw new TokenizerError('The tokenizer has no pad, eos or config pad_token_id: add a pad_token to tokenizer_config.json.');
    this.padId = padId;
    this.chatTemplate = pickChatTemplate(config.chat_template);

    if (model) {
      if (maxId >= model.vocabSize) {
        throw new TokenizerMismatchError(
          `it has token id ${maxId} (${JSON.stringify(tok.id_to_token(maxId))}) but the model's vocab_size is ${model.vocabSize}`,
        );
      }
      const named: [string, number | null][] = [
        ['bos_token_id', model.bosTokenId],
        ['pad_token_id', model.padTokenId],
        ...model.eosTokenIds.map((id, i): [string, number] => [model.eosTokenIds.length > 1 ? `eos_token_id[${i}]` : 'eos_token_id', id]),
      ];
      for (const [field, id] of named) {
        if (id !== null && tok.id_to_token(id) === undefined) {
          throw new TokenizerMismatchError(`config.json's ${field} is ${id}, which is not a token of this tokenizer (${this.size} tokens)`);
        }
      }
    }
  }

  /**
   * Builds the tokenizer from parsed (or text) tokenizer.json and tokenizer_config.json. With a
   * model config, refuses a tokenizer that does not belong to it (TokenizerMismatchError).
   */
  static fromJson(tokenizerJson: unknown, tokenizerConfig: unknown = {}, model: ModelConfig | null = null): TextTokenizer {
    const tj = parse('tokenizer.json', tokenizerJson);
    const tc = parse('tokenizer_config.json', tokenizerConfig);
    if (!tj.model || typeof tj.model !== 'object') throw new TokenizerError("tokenizer.json has no 'model' section: is it a Hugging Face tokenizer.json?");
    let tok: Tokenizer;
    try {
      tok = new Tokenizer(tj, tc);
    } catch (e) {
      throw new TokenizerError(`tokenizer.json could not be loaded: ${(e as Error).message}`);
    }
    return new TextTokenizer(tok, tc, model);
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.tok.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (ids.length === 0) return ''; // tokenizers.js throws on an empty list
    return this.tok.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The id of a token string (special tokens included), or undefined. */
  tokenId(token: string): number | undefined {
    return this.tok.token_to_id(token);
  }

  token(id: number): string | undefined {
    return this.tok.id_to_token(id);
  }

  /** Renders messages with the tokenizer's chat template (ChatTemplateError when it has none). */
  applyChatTemplate(messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean; extra?: Json } = {}): string {
    return renderChatTemplate(this.chatTemplate, messages, {
      addGenerationPrompt: options.addGenerationPrompt ?? true,
      bosToken: this.specialText('bos_token'),
      eosToken: this.specialText('eos_token'),
      extra: options.extra,
    });
  }

  /** The id of a special token named in tokenizer_config.json (a string or {content}). */
  private specialId(field: string): number | null {
    const text = this.specialText(field);
    if (text === '') return null;
    const id = this.tok.token_to_id(text);
    if (id === undefined) throw new TokenizerError(`tokenizer_config.json's ${field} ${JSON.stringify(text)} is not a token of tokenizer.json`);
    return id;
  }

  private specialText(field: string): string {
    const v = this.config[field];
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && typeof (v as Json).content === 'string') return (v as Json).content as string;
    return '';
  }
}

function parse(file: string, v: unknown): Json {
  let out = v;
  if (typeof v === 'string') {
    try {
      out = JSON.parse(v);
    } catch (e) {
      throw new TokenizerError(`${file} is not JSON: ${(e as Error).message}`);
    }
  }
  if (out === null || typeof out !== 'object' || Array.isArray(out)) throw new TokenizerError(`${file} is not a JSON object`);
  return out as Json;
}
