// Few-shot prompts that outgrow the context (src/experiments/scorers/prompting.ts fitDialog): the
// oldest examples are dropped whole, the persona and the question stay.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/models/chat-template';
import { TextTokenizer } from '../../src/models/tokenizer';
import { fitDialog } from '../../src/experiments/scorers/prompting';

const DIR = join(import.meta.dirname, '../../public/models/builtin');
const tok = TextTokenizer.fromJson(readFileSync(join(DIR, 'tokenizer.json'), 'utf8'), JSON.parse(readFileSync(join(DIR, 'tokenizer_config.json'), 'utf8')));

describe('fitDialog', () => {
  const persona = 'age: 66\neducation: Bachelor\'s degree\nreligion: Atheist';
  const examples: ChatMessage[] = [1, 2, 3, 4].flatMap((i) => [
    { role: 'user', content: `Example question ${i}?` },
    { role: 'assistant', content: `a formal tone\nAnswer: ${'A long example answer. '.repeat(8)}${i}` },
  ]);
  const last: ChatMessage = { role: 'user', content: 'How do I start saving money?' };

  it('keeps everything that fits', () => {
    const text = fitDialog(tok, persona, examples, last, 10, 10_000);
    for (const i of [1, 2, 3, 4]) expect(text).toContain(`Example question ${i}?`);
  });

  it('drops the oldest examples first, never the persona or the question', () => {
    const all = tok.encode(fitDialog(tok, persona, examples, last, 0, 10_000)).length;
    const text = fitDialog(tok, persona, examples, last, 20, all - 30);
    expect(tok.encode(text).length + 20).toBeLessThanOrEqual(all - 30);
    expect(text).toContain('religion: Atheist');
    expect(text).toContain('How do I start saving money?');
    expect(text).not.toContain('Example question 1?');
    expect(text).toContain('Example question 4?');
    // No room for any example: the persona and the question alone.
    const bare = fitDialog(tok, persona, examples, last, 0, 5);
    expect(bare).toContain('religion: Atheist');
    expect(bare).not.toContain('Example question');
  });
});
