// The generation benchmark (src/cli/bench/generate.ts, a line of `npm run bench`): it makes
// exactly the asked tokens per row on the built-in model, reports rates consistent with its
// times, and the table shows one line per backend and batch. Sizes are tiny; speed is not tested.
import { describe, expect, it } from 'vitest';
import { benchGenerate, formatGeneration } from '../../src/cli/bench/generate';
import { createBackend } from '../../src/tensor';

describe('generation bench', () => {
  it('times batches of the built-in model and prints them', async () => {
    const be = await createBackend('cpu');
    const r = await benchGenerate(be, { batch: 3, newTokens: 4, reps: 1 });
    expect(r).toMatchObject({ backend: 'cpu', batch: 3, samplesPerPrompt: 1, newTokens: 4 });
    expect(r.promptTokens).toBeGreaterThan(10);
    expect(r.tokensPerSecond).toBeCloseTo(12 / (r.bestMs / 1000), 6);
    expect(r.tokensPerCpuSecond).toBeGreaterThan(0);
    // The decoding rate is a difference of two timings: null when the noise swallows it, else positive.
    expect(r.decodeTokensPerSecond === null || r.decodeTokensPerSecond > 0).toBe(true);
    const table = formatGeneration([r, { ...r, backend: 'node webgpu', decodeTokensPerSecond: null, decodeTokensPerCpuSecond: null }]).split('\n');
    expect(table).toHaveLength(4);
    // On a busy machine either decoding rate may be null (printed "-"), independently of the other.
    const rate = (v: number | null) => (v === null ? '-' : '\\d+');
    expect(table[2]).toMatch(new RegExp(`^cpu\\s+3\\s+1\\s+4\\s+\\d+\\s+\\d+\\s+\\d+\\s+${rate(r.decodeTokensPerSecond)}\\s+${rate(r.decodeTokensPerCpuSecond)}$`));
    expect(table[3]).toMatch(/^node webgpu\s+3\s+1\s+4\s+\d+\s+\d+\s+\d+\s+-\s+-$/);
    // K samples per prompt: rows share prompts (and their forward), and every row still makes its tokens.
    const shared = await benchGenerate(be, { batch: 4, samplesPerPrompt: 2, newTokens: 2, reps: 1 });
    expect(shared).toMatchObject({ batch: 4, samplesPerPrompt: 2 });
  });
});
