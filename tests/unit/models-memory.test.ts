// Memory estimates before loading, and the refusal when a model cannot fit the adapter's limits.
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../src/models/config';
import { ModelTooLargeError } from '../../src/models/errors';
import { checkFits, estimateMemory } from '../../src/models/memory';

const qwen05 = parseModelConfig({
  architectures: ['Qwen2ForCausalLM'],
  hidden_size: 896,
  intermediate_size: 4864,
  num_hidden_layers: 24,
  num_attention_heads: 14,
  num_key_value_heads: 2,
  vocab_size: 151936,
  tie_word_embeddings: true,
});
const MiB = 1024 * 1024;

describe('estimateMemory', () => {
  it('counts weights as f32 and finds the embedding as the largest tensor', () => {
    const e = estimateMemory(qwen05, { batch: 2, seqLen: 128 });
    expect(e.parameters).toBe(494_032_768);
    expect(e.weightBytes).toBe(4 * 494_032_768);
    expect(e.largestTensor).toEqual({ name: 'model.embed_tokens.weight', bytes: 151936 * 896 * 4 });
    expect(e.logitsBytes).toBe(2 * 128 * 151936 * 4);
    expect(e.kvCacheBytes).toBe(2 * 24 * 2 * 2 * 128 * 64 * 4);
    expect(e.activationBytes).toBe(0);
    expect(e.optimizerBytes).toBe(0);
  });

  it('grows with training: LoRA adds little optimizer state, full finetuning three copies', () => {
    const none = estimateMemory(qwen05);
    const lora = estimateMemory(qwen05, { training: 'lora', loraRank: 8 });
    const full = estimateMemory(qwen05, { training: 'full' });
    expect(lora.activationBytes).toBeGreaterThan(0);
    expect(lora.optimizerBytes).toBeLessThan(none.weightBytes / 100);
    expect(full.optimizerBytes).toBe(3 * none.weightBytes);
    expect(full.totalBytes).toBeGreaterThan(lora.totalBytes);
  });
});

describe('checkFits', () => {
  it("refuses a model whose embedding exceeds the adapter's binding limit, naming both", () => {
    const e = estimateMemory(qwen05, { batch: 1, seqLen: 64 });
    const err = (() => {
      try {
        checkFits(e, { maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB });
      } catch (x) {
        return x as ModelTooLargeError;
      }
    })();
    expect(err).toBeInstanceOf(ModelTooLargeError);
    expect(err?.message).toMatch(/model\.embed_tokens\.weight.*519\.3 MiB.*maxStorageBufferBindingSize is 128\.0 MiB/);
  });

  it('passes with larger limits, refuses logits too big for one buffer and a total over budget', () => {
    const limits = { maxBufferSize: 4096 * MiB, maxStorageBufferBindingSize: 2048 * MiB };
    expect(() => checkFits(estimateMemory(qwen05, { batch: 1, seqLen: 64 }), limits)).not.toThrow();
    expect(() => checkFits(estimateMemory(qwen05, { batch: 8, seqLen: 1024 }), limits)).toThrow(/logits of one batch/);
    expect(() => checkFits(estimateMemory(qwen05, { training: 'full' }), limits, 4096 * MiB)).toThrow(/memory budget/);
  });
});
