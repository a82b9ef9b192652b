// The built-in model's trainer end to end at toy size (src/train/builtin/train.ts): it trains the
// tokenizer and a small Llama from the seed, the loss falls, the files it returns load as a
// Hugging Face checkpoint, and a second run from the same seed writes the same bytes.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILTIN } from '../../src/data';
import { memoryFiles } from '../../src/models/io/memory-files';
import { loadModel } from '../../src/models/load-model';
import { initCpuBackend } from '../../src/tensor';
import { BUILTIN_TRAINING, trainBuiltin, type BuiltinTrainOptions } from '../../src/train/builtin/train';

const TOY: BuiltinTrainOptions = {
  ...BUILTIN_TRAINING,
  data: { ...DEFAULT_BUILTIN, personas: 12, questionsPerPersona: 6 },
  vocabSize: 320,
  arch: { hiddenSize: 32, layers: 1, heads: 2, kvHeads: 1, intermediateSize: 64, ropeTheta: 10000 },
  seqLen: 512,
  batchRows: 2,
  steps: 8,
  lr: 1e-2,
  warmupSteps: 2,
  evalDocs: 4,
  crossPairs: 4,
  dtype: 'F32',
};

describe('trainBuiltin at toy size', () => {
  it('trains, writes a loadable checkpoint, and reproduces itself from the seed', async () => {
    const be = await initCpuBackend();
    const phases = new Set<string>();
    const a = await trainBuiltin(be, TOY, (l) => phases.add(l.phase));
    expect([...phases]).toEqual(['data', 'tokenizer', 'train', 'evaluate']);
    expect(Object.keys(a.files).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const r = a.report;
    expect(r.vocabSize).toBe(320);
    expect(r.tokensSeen).toBeGreaterThan(TOY.steps * 100);
    expect(r.targetsTrained).toBeLessThan(r.tokensSeen);
    expect(r.curve.at(-1)![1]).toBeLessThan(r.curve[0][1]);
    expect(r.heldOutLoss).toBeGreaterThan(0);
    expect(r.unigramLoss).toBeGreaterThan(0);
    expect(r.crossPersona.pairs).toBeGreaterThan(0);
    expect(r.samples).toHaveLength(2);

    const loaded = await loadModel(be, memoryFiles(a.files));
    expect(loaded.config.hiddenSize).toBe(32);
    expect(loaded.tokenizer.chatTemplate).toContain('Persona:');
    expect(loaded.model.parameters().reduce((n, p) => n + p.size, 0)).toBe(r.parameters);
    loaded.model.dispose();

    const b = await trainBuiltin(be, TOY);
    expect(b.files['model.safetensors']).toEqual(a.files['model.safetensors']);
    expect(b.files['tokenizer.json']).toBe(a.files['tokenizer.json']);
    expect(b.report.curve).toEqual(r.curve);
    // Budget ≥ 20× its cost (4.9 s on an idle 2-core machine, 9.3 s with the cores shared).
  }, 120_000);
});
