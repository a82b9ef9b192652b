// Tokenizer: @huggingface/tokenizers on the tiny checkpoint's BPE gives the ids the Python BPE
// computed, round-trips text, renders the chat template, and refuses a tokenizer that does not
// match config.json.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../src/models/config';
import { ChatTemplateError, TokenizerError, TokenizerMismatchError } from '../../src/models/errors';
import { TextTokenizer } from '../../src/models/tokenizer';

const DIR = 'tests/fixtures/tiny-checkpoint/llama-f32';

async function load() {
  const [tj, tc, cj, golden] = await Promise.all(
    [`${DIR}/tokenizer.json`, `${DIR}/tokenizer_config.json`, `${DIR}/config.json`, 'tests/fixtures/tiny-checkpoint/tokenizer-golden.json'].map((p) =>
      readFile(p, 'utf8'),
    ),
  );
  return { tj, tc: JSON.parse(tc), config: parseModelConfig(cj), golden: JSON.parse(golden) };
}

describe('TextTokenizer', () => {
  it('encodes as the reference BPE does and knows its special ids', async () => {
    const { tj, tc, config, golden } = await load();
    const tok = TextTokenizer.fromJson(tj, tc, config);
    expect(tok.size).toBe(golden.vocab_size_tokenizer);
    expect(tok.size).toBeLessThan(config.vocabSize);
    for (const { text, ids } of golden.encodings) expect(tok.encode(text)).toEqual(ids);
    expect(tok.bosId).toBe(golden.special['<|endoftext|>']);
    expect(tok.eosIds).toEqual([golden.special['<|im_end|>']]);
    expect(tok.padId).toBe(golden.special['<|pad|>']);
    expect(tok.tokenId('<|im_start|>')).toBe(golden.special['<|im_start|>']);
  });

  it('round-trips the corpus and text outside it (accents, CJK, emoji, whitespace)', async () => {
    const { tj, tc, config } = await load();
    const tok = TextTokenizer.fromJson(tj, tc, config);
    const corpus = await readFile('scripts/tiny-checkpoint/corpus.txt', 'utf8');
    const texts = [...corpus.split('\n'), corpus, 'héllo wörld 你好 🙂', '  tabs\tand\r\n newlines  ', ''];
    for (const text of texts) expect(tok.decode(tok.encode(text))).toBe(text);
    // The merges compress the text they were trained on.
    expect(tok.encode(corpus).length).toBeLessThan(new TextEncoder().encode(corpus).length * 0.8);
  });

  it('renders the chat template and encodes its special tokens as single ids', async () => {
    const { tj, tc, config } = await load();
    const tok = TextTokenizer.fromJson(tj, tc, config);
    const text = tok.applyChatTemplate([
      { role: 'system', content: 'You are a farmer.' },
      { role: 'user', content: 'Which response do you prefer?' },
    ]);
    expect(text).toBe('<|im_start|>system\nYou are a farmer.<|im_end|>\n<|im_start|>user\nWhich response do you prefer?<|im_end|>\n<|im_start|>assistant\n');
    const ids = tok.encode(text);
    expect(ids.filter((i) => i === tok.tokenId('<|im_start|>'))).toHaveLength(3);
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('system\nYou are a farmer.\nuser\nWhich response do you prefer?\nassistant\n');
    expect(tok.applyChatTemplate([{ role: 'user', content: 'hi' }], { addGenerationPrompt: false })).toBe('<|im_start|>user\nhi<|im_end|>\n');
  });

  it('says clearly when there is no chat template or it fails', async () => {
    const { tj, tc } = await load();
    const plain = TextTokenizer.fromJson(tj, { ...tc, chat_template: undefined });
    expect(() => plain.applyChatTemplate([{ role: 'user', content: 'hi' }])).toThrow(ChatTemplateError);
    const broken = TextTokenizer.fromJson(tj, { ...tc, chat_template: '{{ raise_exception("only user turns") }}' });
    expect(() => broken.applyChatTemplate([{ role: 'user', content: 'hi' }])).toThrow(/only user turns/);
    const listed = TextTokenizer.fromJson(tj, { ...tc, chat_template: [{ name: 'tool_use', template: 'T' }, { name: 'default', template: 'D{{ messages|length }}' }] });
    expect(listed.applyChatTemplate([{ role: 'user', content: 'hi' }])).toBe('D1');
  });

  it('refuses a tokenizer with ids beyond the embedding', async () => {
    const { tj, tc, config } = await load();
    const err = (() => {
      try {
        TextTokenizer.fromJson(tj, tc, { ...config, vocabSize: 300 });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(TokenizerMismatchError);
    expect(err?.message).toMatch(/token id 315 \("<\|pad\|>"\) but the model's vocab_size is 300/);
  });

  it("refuses a config whose special ids are not this tokenizer's tokens", async () => {
    const { tj, tc } = await load();
    const cfg = parseModelConfig({ model_type: 'llama', hidden_size: 8, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 512, eos_token_id: 500 });
    expect(() => TextTokenizer.fromJson(tj, tc, cfg)).toThrow(/eos_token_id is 500, which is not a token of this tokenizer \(316 tokens\)/);
  });

  it('refuses malformed files and unknown special tokens', async () => {
    const { tj, tc } = await load();
    expect(() => TextTokenizer.fromJson('{"version": "1.0"}', tc)).toThrow(/no 'model' section/);
    expect(() => TextTokenizer.fromJson('not json', tc)).toThrow(TokenizerError);
    expect(() => TextTokenizer.fromJson(tj, { ...tc, bos_token: '<s>' })).toThrow(/bos_token "<s>" is not a token/);
  });
});
