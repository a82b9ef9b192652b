// The --real-size bench section (src/cli/bench/real-size.ts) on webgpu at a reduced shape of the
// same checkpoint writer: every figure is reported, and the LoRA step's peak counts GPU buffers
// beyond the resting weights; model, adapter and optimizer buffers go back to the pool.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchRealSize } from '../../src/cli/bench/real-size';
import { writeShapedCheckpoint } from '../../src/cli/random-checkpoint/write';
import { createBackend } from '../../src/tensor';
import { testGpu } from '../helpers/node-gpu';

const root = mkdtempSync(join(tmpdir(), 'real-size-gpu-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('real-size bench section on webgpu', () => {
  it('reports prefill, generation at two batches and a LoRA step with its GPU memory', async () => {
    const dir = join(root, 'ck');
    await writeShapedCheckpoint(dir, {
      layers: 2,
      hiddenSize: 64,
      heads: 4,
      kvHeads: 2,
      intermediateSize: 96,
      vocabSize: 512,
    });
    const be = await createBackend('webgpu', await testGpu());
    const sizes = {
      prefillTokens: 8,
      genPromptTokens: 3,
      newTokens: 3,
      batches: [1, 4],
      trainTokens: 8,
      reps: 1,
    };
    const r = await benchRealSize(be, dir, sizes, () => {});
    expect(r.backend).toBe('webgpu');
    expect(r.prefill.tokensPerSecond).toBeGreaterThan(0);
    expect(r.generation.map((g) => g.batch)).toEqual([1, 4]);
    for (const g of r.generation) expect(g.tokensPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(r.lora.loss)).toBe(true);
    expect(r.lora.memorySource).toContain('GPU buffer');
    expect(r.lora.restingBytes).toBeGreaterThanOrEqual(r.parameters * 4);
    expect(r.lora.peakBytes).toBeGreaterThan(r.lora.restingBytes);
    expect(be.memory().bytes).toBe(0);
  });
});
