// An ONNX model in Stage-1 specs: `experiment run` (the CLI command, in-process) runs roleplay and
// few-shot arms on the ONNX test decoder beside the same arms on our engine with the same weights,
// and they score the same; the predictor's probabilities agree to 1e-4; the validators refuse
// training on an ONNX model by field (experiment arms and a policy's base).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { experimentRun } from '../../../src/cli/commands/experiment-run';
import { promptLm, type PromptLm } from '../../../src/experiments/lm/loaded';
import { folderLmLoader } from '../../../src/experiments/node/load-lm';
import { nodeOnnxLoader } from '../../../src/experiments/node/load-onnx';
import { parsePolicySpec } from '../../../src/experiments/policy/spec';
import { PromptingPredictor } from '../../../src/experiments/scorers/prompting';
import { SpecError } from '../../../src/experiments/spec/schema';
import { parseSpec } from '../../../src/experiments/spec/validate';
import type { RunRecord } from '../../../src/protocol/record';
import { createBackend } from '../../../src/tensor';

const SPEC = 'tests/fixtures/onnx-roleplay.json';
const CHECKPOINT = 'tests/fixtures/tiny-checkpoint/llama-f32';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnx-experiment-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ONNX models in experiment specs', () => {
  it('`experiment run` runs roleplay and few-shot on the ONNX decoder, scoring as our engine does on the same weights', async () => {
    const out = join(dir, 'record.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await experimentRun.run([SPEC, '--model-dir', CHECKPOINT, '--runs', join(dir, 'runs'), '--json', out, '--quiet'])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const record = JSON.parse(await readFile(out, 'utf8')) as RunRecord;
    expect(record.status).toBe('done');
    expect(record.arms.map((a) => a.label)).toEqual(['roleplay engine', 'roleplay onnx', 'few-shot engine', 'few-shot onnx']);
    expect(record.arms[1].model).toMatch(/^ONNX model tests\/fixtures\/onnx-decoder \(onnx\/model\.onnx, onnxruntime-web wasm\)/);
    // The record names the EP the ONNX arms ran on (the CLI runs WASM only); the engine arms' backend is the cpu.
    expect(record.backend).toMatchObject({ kind: 'cpu', onnx: { provider: 'wasm', asked: 'wasm' } });
    for (const [engine, onnx] of [
      [0, 1],
      [2, 3],
    ]) {
      const counts = (i: number) => record.arms[i].sets.map((s) => [s.set, s.n, s.correct]);
      expect(record.arms[onnx].sets.length).toBe(3);
      expect(counts(onnx)).toEqual(counts(engine));
    }
  });

  it("gives the same preference probabilities as our engine's model to 1e-4 (both readouts)", async () => {
    const engine = promptLm(await folderLmLoader(CHECKPOINT, 'tiny')('builtin', await createBackend('cpu')));
    const onnx: PromptLm = await nodeOnnxLoader()('tests/fixtures/onnx-decoder');
    const pairs = ['Save it all.', 'Plan a budget first, then spend a little.', 'Buy what makes you happy!'].map((chosen, i) => ({
      id: `p${i}`,
      set: 'cross' as const,
      personaId: 'p',
      questionId: `q${i}`,
      instruction: 'Should I save or spend my bonus?',
      chosen,
      rejected: 'Spend it on a trip, life is short.',
      strength: 1,
    }));
    try {
      for (const readout of ['choice', 'likelihood'] as const) {
        const o = { readout, k: 0, personaText: () => 'age: 40\npolitical views: moderate', examples: () => ({ train: [], other: [] }), seed: 1, maxTokens: 128 };
        const a = await new PromptingPredictor(engine, o).predict(pairs);
        const b = await new PromptingPredictor(onnx, o).predict(pairs);
        for (let i = 0; i < pairs.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4);
        expect(new Set(Array.from(a)).size).toBeGreaterThan(1);
      }
    } finally {
      await onnx.dispose?.();
    }
  });

  it('refuses training on an ONNX model, naming the field', () => {
    const arm = (method: object, model: object) => ({ name: 'x', arms: [{ label: 'a', method, model: { kind: 'lm', ...model } }] });
    const field = (spec: unknown): string => {
      try {
        parseSpec(spec);
      } catch (e) {
        if (e instanceof SpecError) return `${e.path}: ${e.problem}`;
        throw e;
      }
      return 'valid';
    };
    expect(field(arm({ kind: 'roleplay' }, { source: 'onnx', onnx: 'tests/fixtures/onnx-decoder' }))).toBe('valid');
    expect(field(arm({ kind: 'reward-model' }, { source: 'onnx', onnx: 'm' }))).toMatch(/^arms\[0\]\.model\.source: "onnx" runs inference only \(onnxruntime-web cannot train\)/);
    expect(field(arm({ kind: 'roleplay' }, { source: 'onnx', onnx: 'm', mode: 'lora' }))).toMatch(/^arms\[0\]\.model\.mode: must be "frozen" for an ONNX model/);
    expect(field(arm({ kind: 'roleplay' }, { source: 'onnx' }))).toMatch(/^arms\[0\]\.model\.onnx: is required when source is "onnx"/);
    expect(field(arm({ kind: 'roleplay' }, { onnx: 'm' }))).toMatch(/^arms\[0\]\.model\.onnx: names an ONNX model, so source must be "onnx"/);
    // A policy spec's ONNX base serves untrained arms only; a training arm is refused by its field
    // (tests/unit/onnx/onnx-policy.test.ts runs such a spec).
    const policy = (() => {
      try {
        parsePolicySpec({ base: { kind: 'onnx', onnx: 'm' }, arms: [{ label: 'dpo', method: { kind: 'dpo' } }] });
      } catch (e) {
        return e;
      }
    })();
    expect(policy).toBeInstanceOf(SpecError);
    expect((policy as SpecError).path).toBe('arms[0].method.kind');
    expect((policy as SpecError).problem).toMatch(/"dpo" trains the policy, and the base is an ONNX model \(base\.kind "onnx"\), which onnxruntime-web runs for inference only/);
  });
});
