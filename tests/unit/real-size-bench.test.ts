// The --real-size bench section (src/cli/bench/real-size.ts) on a reduced shape of the same
// checkpoint writer: it writes the folder when absent, and reports every figure (prefill,
// generation at two batches with the decode rate, the LoRA step's time and peak memory above the
// resting weights), formatted with the sizes used.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  benchRealSize,
  ensureRealSizeCheckpoint,
  formatRealSize,
} from '../../src/cli/bench/real-size';
import { writeShapedCheckpoint } from '../../src/cli/random-checkpoint/write';
import { createBackend } from '../../src/tensor';

const root = mkdtempSync(join(tmpdir(), 'real-size-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('real-size bench section', () => {
  it('leaves an existing checkpoint folder alone', async () => {
    const dir = join(root, 'ck');
    await writeShapedCheckpoint(dir, {
      layers: 2,
      hiddenSize: 64,
      heads: 4,
      kvHeads: 2,
      intermediateSize: 96,
      vocabSize: 512,
    });
    expect(await ensureRealSizeCheckpoint(dir, () => {})).toBe(false);
    expect(existsSync(join(dir, 'model.safetensors'))).toBe(true);
  });

  it('reports prefill, generation at batch 1 and 4, and a LoRA step with its peak memory', async () => {
    const be = await createBackend('cpu');
    const lines: string[] = [];
    const sizes = {
      prefillTokens: 12,
      genPromptTokens: 5,
      newTokens: 24,
      batches: [1, 4],
      trainTokens: 8,
      reps: 1,
    };
    const r = await benchRealSize(be, join(root, 'ck'), sizes, (l) => lines.push(l));
    expect(r.parameters).toBeGreaterThan(0);
    expect(r.prefill.tokens).toBe(12);
    expect(r.prefill.tokensPerSecond).toBeGreaterThan(0);
    expect(r.generation.map((g) => [g.batch, g.newTokens])).toEqual([
      [1, 24],
      [4, 24],
    ]);
    for (const g of r.generation) expect(g.tokensPerSecond).toBeGreaterThan(0);
    // cpu: the same calls on the packed path (few-rows matmul off), its before in the same run.
    for (const g of r.generation) expect(g.packed?.tokensPerSecond).toBeGreaterThan(0);
    expect(r.lora.tokens).toBe(8);
    expect(Number.isFinite(r.lora.loss)).toBe(true);
    expect(r.lora.bestMs).toBeGreaterThan(0);
    // The step holds activations and gradients beyond the resting weights.
    expect(r.lora.restingBytes).toBeGreaterThan(r.parameters * 4);
    expect(r.lora.peakBytes).toBeGreaterThan(r.lora.restingBytes);
    expect(be.memory().bytes).toBe(0); // model, adapter and optimizer released
    const text = formatRealSize([r]);
    expect(text).toContain('prefill, batch 1 x 12 tokens');
    expect(text).toContain('generated, batch  4 (prompt 5, 24 new)');
    expect(text).toContain('packed path, same run');
    expect(lines.some((l) => l.includes('LoRA step (rank 8, q_proj, v_proj; 1 x 8)'))).toBe(true);
  });
});
