// import trl: the PEFT adapter and trainer_state.json that scripts/trl-fixture/make_trl_fixture.py
// writes (a TRL run's output for the tiny qwen2-f32 checkpoint) load; the merged model's log-probs
// match the float64 reference's for the base with the adapter merged in closed form (and so does
// the base with the adapter applied at run time); the log history becomes curves; an adapter for
// another base and a truncated trainer_state.json are refused, leaving nothing imported.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../../src/autograd';
import { importTrlFolder } from '../../../src/cli/commands/import-trl';
import { parseTrainerState, TrainerStateError } from '../../../src/experiments/import/trl/trainer-state';
import { openCheckpoint } from '../../../src/models/checkpoint';
import { BaseModelMismatchError, TrlImportError } from '../../../src/models/import/trl-output';
import { folderFiles } from '../../../src/models/io/node-files';
import { LlamaModel } from '../../../src/models/llama/model';
import { LoraAdapter } from '../../../src/models/lora/adapter';
import { loadAdapter } from '../../../src/models/lora/io';
import { SafetensorsFile } from '../../../src/models/safetensors/file';
import { createBackend, tidy, type Backend } from '../../../src/tensor';
import { bytesSource } from '../../../src/util/byte-source';
import { Rng } from '../../../src/util/rng';

const FIX = 'tests/fixtures/trl-output';
const BASE = 'tests/fixtures/tiny-checkpoint/qwen2-f32';
let be: Backend;
beforeAll(async () => {
  be = await createBackend('cpu');
});

/** Log-prob of each next token, [B, T-1], from logits [B, T, V] (plain float64 JS). */
function nextTokenLogProbs(logits: Float32Array, ids: Int32Array, B: number, T: number, V: number): Float64Array {
  const out = new Float64Array(B * (T - 1));
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T - 1; t++) {
      const row = logits.subarray((b * T + t) * V, (b * T + t + 1) * V);
      let m = -Infinity;
      for (const x of row) m = Math.max(m, x);
      let s = 0;
      for (const x of row) s += Math.exp(x - m);
      out[b * (T - 1) + t] = row[ids[b * T + t + 1]] - m - Math.log(s);
    }
  }
  return out;
}

async function logProbs(dir: string, adapterDir?: string): Promise<Float64Array> {
  const g = await SafetensorsFile.open(bytesSource(readFileSync(`${FIX}/lora-dpo-golden.safetensors`), 'golden'));
  const [B, T] = g.info('input_ids')!.shape;
  const ids = await g.readInt32('input_ids');
  const ck = await openCheckpoint(await folderFiles(dir));
  const model = await LlamaModel.load(be, ck.config, ck.weights);
  let adapter: LoraAdapter | null = null;
  if (adapterDir) {
    const a = await loadAdapter(await readFile(`${adapterDir}/adapter_config.json`, 'utf8'), readFileSync(`${adapterDir}/adapter_model.safetensors`), ck.config);
    adapter = LoraAdapter.fromWeights(be, ck.config, a.config, a.weights, new Rng(1));
    adapter.training = false;
  }
  const t = noGrad(() => tidy(() => model.forward(ids, B, T, { adapter })));
  const logits = (await t.data()) as Float32Array;
  t.dispose();
  adapter?.dispose();
  model.dispose();
  return nextTokenLogProbs(logits, ids, B, T, ck.config.vocabSize);
}

async function golden(name: 'base_logprobs' | 'merged_logprobs'): Promise<Float32Array> {
  const g = await SafetensorsFile.open(bytesSource(readFileSync(`${FIX}/lora-dpo-golden.safetensors`), 'golden'));
  return g.readFloat32(name);
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
};

/** A scratch copy of a fixture folder, to damage. */
function copyOf(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'trl-import-')), name);
  cpSync(`${FIX}/${name}`, dir, { recursive: true });
  return dir;
}

describe('import trl: a PEFT adapter', () => {
  it('merges into its base and changes the log-probs as the closed-form merge predicts', async () => {
    const into = mkdtempSync(join(tmpdir(), 'trl-into-'));
    const r = await importTrlFolder(`${FIX}/lora-dpo`, { base: BASE, into, name: 'dpo' });
    expect(r.kind).toBe('adapter');
    expect(readdirSync(r.dir).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'trainer_state.json']);
    const base = await golden('base_logprobs');
    const merged = await golden('merged_logprobs');
    // The adapter matters: the reference moves by far more than the tolerance.
    expect(maxDiff(base, merged)).toBeGreaterThan(0.05);
    expect(maxDiff(await logProbs(BASE), base)).toBeLessThan(1e-4);
    expect(maxDiff(await logProbs(r.dir), merged)).toBeLessThan(1e-4);
    // The adapter applied at run time (LlamaModel's LoRA path) says the same.
    expect(maxDiff(await logProbs(BASE, `${FIX}/lora-dpo`), merged)).toBeLessThan(1e-4);
  });

  it('refuses an adapter for another base (hidden size 40, not 32) and imports nothing', async () => {
    const into = mkdtempSync(join(tmpdir(), 'trl-into-'));
    const e = await importTrlFolder(`${FIX}/lora-other-base`, { base: BASE, into, name: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BaseModelMismatchError);
    expect(String((e as Error).message)).toMatch(/hidden size 32.*shape \[4, 40\] but this model needs \[4, 32\]/);
    expect(readdirSync(into)).toEqual([]);
  });

  it('refuses an adapter whose base_model_name_or_path names another model unless told the folder was renamed', async () => {
    const dir = copyOf('lora-dpo');
    const cfg = JSON.parse(readFileSync(`${dir}/adapter_config.json`, 'utf8'));
    writeFileSync(`${dir}/adapter_config.json`, JSON.stringify({ ...cfg, base_model_name_or_path: 'Qwen/Qwen2.5-0.5B-Instruct' }));
    const into = mkdtempSync(join(tmpdir(), 'trl-into-'));
    const e = await importTrlFolder(dir, { base: BASE, into, name: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BaseModelMismatchError);
    expect(String((e as Error).message)).toContain('trained on "Qwen/Qwen2.5-0.5B-Instruct"');
    expect(readdirSync(into)).toEqual([]);
    const r = await importTrlFolder(dir, { base: BASE, into, name: 'x', ignoreBaseName: true });
    expect(existsSync(join(r.dir, 'model.safetensors'))).toBe(true);
  });

  it('refuses a folder that is neither an adapter nor a checkpoint', async () => {
    const dir = copyOf('lora-dpo');
    writeFileSync(`${dir}/adapter_config.json`, '{}');
    const into = mkdtempSync(join(tmpdir(), 'trl-into-'));
    const only = mkdtempSync(join(tmpdir(), 'trl-only-'));
    writeFileSync(join(only, 'trainer_state.json'), readFileSync(`${FIX}/lora-dpo/trainer_state.json`));
    await expect(importTrlFolder(only, { into })).rejects.toThrow(TrlImportError);
    await expect(importTrlFolder(only, { into })).rejects.toThrow(/neither a PEFT adapter.*nor a full checkpoint/);
    expect(readdirSync(into)).toEqual([]);
  });
});

describe('import trl: trainer_state.json', () => {
  it("becomes curves with TRL's metric names (training, per-eval-set, final)", () => {
    const c = parseTrainerState(readFileSync(`${FIX}/lora-dpo/trainer_state.json`, 'utf8'));
    expect(c.train.map((p) => p.step)).toEqual([5, 10, 15, 20, 25, 30]);
    expect(c.metrics).toContain('rewards/accuracies');
    expect(c.train[0].loss).toBeCloseTo(0.6931 - 0.05, 2);
    expect(c.eval.map((p) => Object.keys(p).sort())).toContainEqual(['epoch', 'step', 'test/loss', 'test/rewards/accuracies', 'test/runtime', 'test/samples_per_second', 'test/steps_per_second']);
    expect(c.eval).toHaveLength(4);
    expect(c.final).toMatchObject({ train_loss: 0.612, global_step: 30, epoch: 2 });
  });

  it('refuses a truncated file whole, and the import that carries it stores nothing', async () => {
    const dir = copyOf('lora-dpo');
    const text = readFileSync(`${dir}/trainer_state.json`, 'utf8');
    writeFileSync(`${dir}/trainer_state.json`, text.slice(0, Math.floor(text.length * 0.6)));
    expect(() => parseTrainerState(text.slice(0, 900))).toThrow(/not complete JSON \(it ends mid-way/);
    const into = mkdtempSync(join(tmpdir(), 'trl-into-'));
    await expect(importTrlFolder(dir, { base: BASE, into, name: 'x' })).rejects.toThrow(TrainerStateError);
    expect(readdirSync(into)).toEqual([]);
    expect(() => parseTrainerState('{"global_step": 3}')).toThrow(/no log_history/);
  });
});

describe('import trl: a full checkpoint', () => {
  it('is taken as it is, with its trainer_state.json', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'trl-full-')), 'run');
    cpSync(BASE, dir, { recursive: true });
    cpSync(`${FIX}/lora-dpo/trainer_state.json`, join(dir, 'trainer_state.json'));
    writeFileSync(join(dir, 'training_args.bin'), 'not kept');
    const into = mkdtempSync(join(tmpdir(), 'trl-into-'));
    const r = await importTrlFolder(dir, { into, name: 'full' });
    expect(r.kind).toBe('checkpoint');
    expect(readdirSync(r.dir).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'trainer_state.json']);
    expect(readFileSync(join(r.dir, 'model.safetensors'))).toEqual(readFileSync(join(BASE, 'model.safetensors')));
    expect(r.curves?.train).toHaveLength(6);
  });
});
