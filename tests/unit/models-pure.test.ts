// The tensor-free parts of the model layer: sampling, stopping, batching with masks, choice
// tokens, LoRA settings and PEFT-format adapter files.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { padBatch, scoringBatch, sequenceLogProbs, BatchError } from '../../src/models/batch';
import { choiceProbs, choiceTokenIds, ChoiceTokenError } from '../../src/models/choice';
import { parseModelConfig } from '../../src/models/config';
import { argmax, sampleNext, samplingDistribution, SamplingOptionsError } from '../../src/models/generate/sampling';
import { StopCriteria } from '../../src/models/generate/stopping';
import { initLoraWeights, loraModules, loraParameterCount, loraScale, validateLoraConfig, LoraConfigError, type LoraConfig } from '../../src/models/lora/config';
import { loadAdapter, parseAdapterConfig, saveAdapter } from '../../src/models/lora/io';
import { TextTokenizer } from '../../src/models/tokenizer';
import { Rng } from '../../src/util/rng';

const DIR = 'tests/fixtures/tiny-checkpoint/qwen2-f32';

describe('sampling', () => {
  const row = new Float32Array([1, 3, 2, 3, -1]);

  it('greedy takes the first maximum and respects the vocab limit', () => {
    expect(argmax(row)).toBe(1);
    expect(sampleNext(row, { temperature: 0 }, new Rng(1))).toBe(1);
    expect(sampleNext(new Float32Array([0, 1, 9]), { temperature: 0, vocabLimit: 2 }, new Rng(1))).toBe(1);
  });

  it('temperature reshapes the softmax; top-k and top-p cut the tail', () => {
    const full = samplingDistribution(row, { temperature: 1 });
    const z = [...row].map(Math.exp);
    const s = z.reduce((a, b) => a + b, 0);
    full.ids.forEach((id, i) => expect(full.probs[i]).toBeCloseTo(z[id] / s, 12));
    const hot = samplingDistribution(row, { temperature: 2 });
    expect(hot.probs[4]).toBeGreaterThan(full.probs[4]);
    const k2 = samplingDistribution(row, { topK: 2 });
    expect(k2.ids).toEqual([1, 3]);
    expect(k2.probs).toEqual([0.5, 0.5]);
    // p(3) = p(1) ~ 0.39 each, p(2) ~ 0.14: a nucleus of 0.5 needs two tokens, of 0.9 three.
    expect(samplingDistribution(row, { topP: 0.5 }).ids).toEqual([1, 3]);
    expect(samplingDistribution(row, { topP: 0.9 }).ids).toEqual([1, 3, 2]);
    expect(samplingDistribution(row, { topP: 0.01 }).ids).toEqual([1]);
  });

  it('draws reproducibly from a seed with the right frequencies', () => {
    const draw = (seed: number) => Array.from({ length: 50 }, ((rng) => () => sampleNext(row, { temperature: 1 }, rng))(new Rng(seed)));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    const rng = new Rng(3);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 20000; i++) counts[sampleNext(row, { topK: 3 }, rng)]++;
    const d = samplingDistribution(row, { topK: 3 });
    d.ids.forEach((id, i) => expect(counts[id] / 20000).toBeCloseTo(d.probs[i], 1));
    expect(counts[0] + counts[4]).toBe(0);
  });

  it('refuses bad options', () => {
    expect(() => sampleNext(row, { temperature: -1 }, new Rng(1))).toThrow(SamplingOptionsError);
    expect(() => sampleNext(row, { topP: 0 }, new Rng(1))).toThrow(/topP/);
    expect(() => sampleNext(row, { topK: 1.5 }, new Rng(1))).toThrow(/topK/);
  });
});

describe('StopCriteria', () => {
  it('stops on eos, stop strings (trimmed) and length', () => {
    const s = new StopCriteria({ eosIds: [9], stopStrings: ['\nUser:'], maxNewTokens: 4 });
    expect(s.check([1, 9], 'hi')).toBe('eos');
    expect(s.check([1, 2], 'hi\nUser: more')).toBe('stop-string');
    expect(s.finalText('hi\nUser: more')).toBe('hi');
    expect(s.check([1, 2, 3, 4], 'abcd')).toBe('length');
    expect(s.check([1, 2], 'ab')).toBeNull();
    expect(() => new StopCriteria({ eosIds: [], maxNewTokens: 0 })).toThrow(RangeError);
  });
});

describe('batches', () => {
  it('right-pads with a mask and lengths', () => {
    const b = padBatch([[5, 6, 7], [8]], 0);
    expect([...b.ids]).toEqual([5, 6, 7, 8, 0, 0]);
    expect([...b.mask]).toEqual([1, 1, 1, 1, 0, 0]);
    expect(b.lengths).toEqual([3, 1]);
    expect(() => padBatch([[1], []], 0)).toThrow(BatchError);
  });

  it('scores only response tokens, each predicted from the position before it', () => {
    const b = scoringBatch([
      { prompt: [1, 2], response: [3, 4, 5] },
      { prompt: [1], response: [6] },
    ], 0);
    expect(b.T).toBe(5);
    expect([...b.ids]).toEqual([1, 2, 3, 4, 5, 1, 6, 0, 0, 0]);
    expect([...b.targets]).toEqual([0, 3, 4, 5, 0, 6, 0, 0, 0, 0]);
    expect([...b.weights]).toEqual([0, 1, 1, 1, 0, 1, 0, 0, 0, 0]);
    const logps = [9, -1, -2, -3, 9, -4, 9, 9, 9, 9];
    expect(sequenceLogProbs(logps, b)).toEqual({ sum: [-6, -4], mean: [-2, -4] });
  });

  it('truncates the prompt from the left, then the response from the right', () => {
    const b = scoringBatch([{ prompt: [1, 2, 3, 4], response: [5, 6] }, { prompt: [1, 2], response: [7, 8, 9, 10, 11] }], 0, 4);
    expect(b.truncated).toBe(2);
    expect(b.promptLengths).toEqual([2, 1]);
    expect(b.responseLengths).toEqual([2, 3]);
    expect([...b.ids]).toEqual([3, 4, 5, 6, 2, 7, 8, 9]);
  });
});

describe('choice tokens', () => {
  it('finds one token per label after the prompt and refuses labels that are not', async () => {
    const tok = TextTokenizer.fromJson(await readFile(`${DIR}/tokenizer.json`, 'utf8'), await readFile(`${DIR}/tokenizer_config.json`, 'utf8'));
    // This tiny BPE has no 'ĠA' merge: after "Answer: " the labels A and B are single tokens.
    const ids = choiceTokenIds(tok, 'Which response do you prefer? Answer: ', ['A', 'B']);
    expect(ids.map((i) => tok.token(i))).toEqual(['A', 'B']);
    expect(() => choiceTokenIds(tok, 'Answer:', [' Alpha', ' Beta'])).toThrow(ChoiceTokenError);
    expect(() => choiceTokenIds(tok, 'Answer:', [' Alpha', ' Beta'])).toThrow(/" Alpha" after the prompt is not one token \(it becomes "Ġ" "A"/);
    expect(() => choiceTokenIds(tok, 'Answer:', [' A'])).toThrow(/at least two/);
  });

  it('normalizes over the choice logits only', () => {
    const p = choiceProbs([0, 5, 0, 5 + Math.log(3)], [1, 3]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(p[1]).toBeCloseTo(0.75, 12);
  });
});

describe('LoRA settings and adapter files', () => {
  const model = parseModelConfig({ architectures: ['Qwen2ForCausalLM'], hidden_size: 32, intermediate_size: 48, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 1, vocab_size: 320 });
  const cfg: LoraConfig = { rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj', 'v_proj', 'down_proj'] };

  it('lists the adapted modules with their shapes, scale and parameter count', () => {
    const mods = loraModules(model, cfg);
    expect(mods.map((m) => m.path)).toEqual([
      'model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.v_proj', 'model.layers.0.mlp.down_proj',
      'model.layers.1.self_attn.q_proj', 'model.layers.1.self_attn.v_proj', 'model.layers.1.mlp.down_proj',
    ]);
    expect(mods[1]).toMatchObject({ inFeatures: 32, outFeatures: 8 });
    expect(mods[2]).toMatchObject({ inFeatures: 48, outFeatures: 32 });
    expect(loraScale(cfg)).toBe(2);
    expect(loraScale({ ...cfg, rslora: true })).toBe(4);
    expect(loraParameterCount(mods, cfg)).toBe(2 * 4 * (32 + 32 + 32 + 8 + 48 + 32));
  });

  it('initializes B to zero and A within the kaiming bound, reproducibly', () => {
    const w = initLoraWeights(loraModules(model, cfg), cfg, new Rng(5));
    const q = w.get('model.layers.0.self_attn.q_proj')!;
    expect(q.B.every((v) => v === 0)).toBe(true);
    expect(q.A.every((v) => Math.abs(v) <= 1 / Math.sqrt(32))).toBe(true);
    expect(q.A.some((v) => v !== 0)).toBe(true);
    expect(initLoraWeights(loraModules(model, cfg), cfg, new Rng(5)).get('model.layers.0.self_attn.q_proj')!.A).toEqual(q.A);
  });

  it('refuses bad settings by name', () => {
    expect(() => validateLoraConfig({ ...cfg, rank: 0 })).toThrow(LoraConfigError);
    expect(() => validateLoraConfig({ ...cfg, dropout: 1 })).toThrow(/dropout/);
    expect(() => validateLoraConfig({ ...cfg, targets: ['q_proj', 'lm_head' as never] })).toThrow(/unknown LoRA target lm_head/);
  });

  it('saves and loads an adapter alone, in PEFT layout, and refuses one for another model', async () => {
    const rng = new Rng(9);
    const weights = initLoraWeights(loraModules(model, cfg), cfg, rng);
    for (const w of weights.values()) w.B.set(rng.float32(w.B.length));
    const saved = saveAdapter(cfg, model, weights, 'tiny-qwen2');
    expect(JSON.parse(saved['adapter_config.json'])).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj', 'down_proj'] });
    const loaded = await loadAdapter(saved['adapter_config.json'], saved['adapter_model.safetensors'], model);
    expect(loaded.config).toMatchObject({ ...cfg, baseModel: 'tiny-qwen2' });
    for (const [path, w] of weights) expect(loaded.weights.get(path)).toEqual(w);

    const bigger = { ...model, hiddenSize: 64, headDim: 16 };
    await expect(loadAdapter(saved['adapter_config.json'], saved['adapter_model.safetensors'], bigger)).rejects.toThrow(/trained for another model/);
    const deeper = { ...model, numLayers: 3 };
    await expect(loadAdapter(saved['adapter_config.json'], saved['adapter_model.safetensors'], deeper)).rejects.toThrow(/has no base_model.model.model.layers.2/);
  });

  it('refuses PEFT options it cannot apply', () => {
    const base = { peft_type: 'LORA', r: 8, lora_alpha: 16, target_modules: ['q_proj'] };
    expect(parseAdapterConfig(JSON.stringify({ ...base, target_modules: 'all-linear' })).targets).toHaveLength(7);
    expect(() => parseAdapterConfig(JSON.stringify({ ...base, use_dora: true }))).toThrow(/use_dora/);
    expect(() => parseAdapterConfig(JSON.stringify({ ...base, peft_type: 'IA3' }))).toThrow(/IA3/);
    expect(() => parseAdapterConfig(JSON.stringify({ ...base, target_modules: '.*proj' }))).toThrow(/regular expression/);
    expect(() => parseAdapterConfig(JSON.stringify({ ...base, modules_to_save: ['score'] }))).toThrow(/modules_to_save/);
  });
});
