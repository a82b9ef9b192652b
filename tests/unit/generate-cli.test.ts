// `model generate --batch N`: N seeded samples of one prompt in one batch, each row printed with
// its token count and stop reason, then one line with the rows, tokens and tokens/s; a bad
// --batch is refused.
import { describe, expect, it, vi } from 'vitest';
import { modelGenerate } from '../../src/cli/commands/model-generate';

const DIR = 'public/models/builtin';

describe('model generate --batch', () => {
  it('samples N rows of the prompt in one batch and reports the rate', async () => {
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line) => void logged.push(String(line)));
    try {
      expect(await modelGenerate.run([DIR, '--prompt', 'How can I sleep better?', '--max-new', '5', '--temperature', '1', '--batch', '3'])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const rows = logged.filter((l) => l.startsWith('--- row '));
    expect(rows.map((l) => l.split('\n')[0])).toEqual([0, 1, 2].map((i) => `--- row ${i} (5 tokens, stopped: length)`));
    // Each row draws from its own seed stream: three samples are not all the same text.
    expect(new Set(rows.map((l) => l.split('\n').slice(1).join('\n'))).size).toBeGreaterThan(1);
    expect(logged.at(-1)).toMatch(/^\[3 rows, 15 tokens in [\d.]+ s, prefill included: \d+ tokens\/s; prompt \d+ tokens; cpu\]$/);
  });

  it('refuses a batch that is not a whole number >= 1', async () => {
    await expect(modelGenerate.run([DIR, '--prompt', 'x', '--batch', '0'])).rejects.toThrow(/--batch must be a whole number >= 1/);
  });
});
