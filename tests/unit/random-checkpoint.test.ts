// The random checkpoint of SmolLM2-135M's shape (src/cli/random-checkpoint): its config is
// SmolLM2-135M's (134,515,008 parameters), and a reduced shape written through the same code
// opens with the lab's loader (tokenizer filling the vocabulary, weights checked against the
// config), runs a forward with finite logits, and generates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWeights, openCheckpoint } from '../../src/models/checkpoint';
import { parameterCount, parseModelConfig } from '../../src/models/config';
import { generate } from '../../src/models/generate/generate';
import { folderFiles } from '../../src/models/io/node-files';
import { LlamaModel } from '../../src/models/llama/model';
import { byteLevelBpe, ByteVocabSizeError } from '../../src/cli/random-checkpoint/byte-pair-vocab';
import { shapedConfigJson, SPECIAL_TOKENS } from '../../src/cli/random-checkpoint/smollm2-shape';
import { writeShapedCheckpoint } from '../../src/cli/random-checkpoint/write';
import { noGrad } from '../../src/autograd';
import { createBackend, tidy } from '../../src/tensor';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const small = {
  layers: 2,
  hiddenSize: 64,
  heads: 4,
  kvHeads: 2,
  intermediateSize: 96,
  vocabSize: 512,
};

describe('random checkpoint of SmolLM2-135M shape', () => {
  it('has SmolLM2-135M config and parameter count', () => {
    const c = parseModelConfig(shapedConfigJson());
    expect([
      c.hiddenSize,
      c.numLayers,
      c.numHeads,
      c.numKvHeads,
      c.headDim,
      c.intermediateSize,
      c.vocabSize,
    ]).toEqual([576, 30, 9, 3, 64, 1536, 49152]);
    expect(c.tieWordEmbeddings).toBe(true);
    expect(c.ropeTheta).toBe(100000);
    expect(parameterCount(c)).toBe(134_515_008);
  });

  it('makes a byte-pair vocabulary of exactly the asked size, every token distinct', () => {
    const bpe = byteLevelBpe(49152, SPECIAL_TOKENS);
    const ids = new Set([...bpe.vocab.values(), ...bpe.special.values()]);
    expect(ids.size).toBe(49152);
    expect(Math.max(...ids)).toBe(49151);
    expect(bpe.vocab.size).toBe(49152 - SPECIAL_TOKENS.length);
    expect(() => byteLevelBpe(200, SPECIAL_TOKENS)).toThrow(ByteVocabSizeError);
  });

  it.each(['BF16', 'F32'] as const)(
    'writes a reduced shape (%s) that loads, runs a forward and generates',
    async (dtype) => {
      const dir = mkdtempSync(join(tmpdir(), 'shaped-ck-'));
      dirs.push(dir);
      const written = await writeShapedCheckpoint(dir, { ...small, dtype, seed: 3 });
      const ck = await openCheckpoint(await folderFiles(dir));
      checkWeights(ck.config, ck.weights);
      expect(ck.config.numLayers).toBe(2);
      expect(written.parameters).toBe(parameterCount(ck.config));
      expect(ck.tokenizer.size).toBe(512);
      const text = 'Hello there, how are you?';
      const ids = ck.tokenizer.encode(text);
      expect(ids.length).toBeLessThan(text.length); // the merges apply
      expect(ck.tokenizer.decode(ids)).toBe(text);

      const be = await createBackend('cpu');
      const model = await LlamaModel.load(be, ck.config, ck.weights);
      try {
        const T = ids.length;
        const logits = await noGrad(() =>
          tidy(() => model.forward(Int32Array.from(ids), 1, T)),
        ).data();
        expect(logits.length).toBe(T * 512);
        expect(logits.every(Number.isFinite)).toBe(true);
        // Random weights: the logits spread (not all equal), as a seeded init makes them.
        expect(Math.max(...logits) - Math.min(...logits)).toBeGreaterThan(0.1);
        const out = await generate(model, ck.tokenizer, [ids, ids.slice(0, 3)], {
          maxNewTokens: 4,
          temperature: 1,
          seed: 1,
          eosIds: [],
        });
        expect(out.map((g) => g.ids.length)).toEqual([4, 4]);
      } finally {
        model.dispose();
      }
    },
  );

  it('is a function of the seed', async () => {
    const read = async (seed: number) => {
      const dir = mkdtempSync(join(tmpdir(), 'shaped-ck-'));
      dirs.push(dir);
      await writeShapedCheckpoint(dir, { ...small, seed });
      const ck = await openCheckpoint(await folderFiles(dir));
      return ck.weights.readFloat32('model.layers.1.mlp.up_proj.weight');
    };
    const [a, b, c] = [await read(5), await read(5), await read(6)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});
