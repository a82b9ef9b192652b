// export trl: the dataset reads back (hyparquet) with TRL's conversational preference columns, the
// lab's counts and persona ids; train.py compiles; the generated text files match committed snapshots.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { loadBuiltin, prepare, trainingPairs } from '../../../src/experiments/prepare';
import { trlExportFiles, TrlExportError, type ExportFile } from '../../../src/experiments/export/trl';
import { parseSpec } from '../../../src/experiments/spec/validate';
import { parsePolicySpec } from '../../../src/experiments/policy/spec';
import { policyPairSets } from '../../../src/experiments/export/trl/rows';
import { generateBuiltin } from '../../../src/data';

const DATA = { source: 'builtin', seed: 3, personas: 24, questionsPerPersona: 4, noise: 0.1 } as const;
const TRAIN = { epochs: 2, batchSize: 16, lr: 3e-4, weightDecay: 0.01, clipNorm: 1, pairs: 'both', maxPairs: 60, logEvery: 5 } as const;
const experiment = parseSpec({
  name: 'export-test',
  seed: 7,
  data: DATA,
  split: { unseenFraction: 0.25, testFraction: 0.3, crossPartners: 1 },
  arms: [
    { label: 'conditional LM', method: { kind: 'reward-model', loss: 'bradley-terry' }, subset: { kind: 'preset', name: 'all' }, model: { kind: 'lm', mode: 'lora', input: 'joint' }, train: TRAIN },
    { label: 'marginal', method: { kind: 'reward-model', loss: 'pairwise' }, subset: { kind: 'preset', name: 'none' }, model: { kind: 'features', dims: 8, minPersonas: 2 }, train: TRAIN },
    { label: 'roleplay', method: { kind: 'roleplay', readout: 'choice' }, subset: { kind: 'preset', name: 'all' }, model: { kind: 'lm' } },
  ],
});

const byPath = (files: ExportFile[]) => new Map(files.map((f) => [f.path, f.bytes]));
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('export trl (experiment)', async () => {
  const prepared = await prepare(experiment, loadBuiltin);
  const files = byPath(trlExportFiles({ kind: 'experiment', spec: experiment, prepared }));

  it('writes each trained arm its train/test/unseen pairs as the lab splits them, Parquet and JSONL alike', async () => {
    expect([...files.keys()].filter((p) => p.startsWith('data/')).sort()).toEqual(
      ['conditional-lm', 'marginal'].flatMap((a) => ['test', 'train', 'unseen'].flatMap((s) => [`data/${a}/${s}.jsonl`, `data/${a}/${s}.parquet`])).sort(),
    );
    const expected = {
      train: trainingPairs(prepared, experiment.arms[0].train, experiment.seed),
      test: [...prepared.test.generic, ...prepared.test.cross],
      unseen: prepared.test.unseen,
    };
    const seen = new Set(prepared.split.seenPersonas.map((p) => (typeof p === 'string' ? p : (p as { id: string }).id)));
    for (const split of ['train', 'test', 'unseen'] as const) {
      const bytes = files.get(`data/conditional-lm/${split}.parquet`)!;
      const rows = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Record<string, unknown>[];
      expect(Object.keys(rows[0]).sort()).toEqual(['chosen', 'pair_id', 'persona_id', 'prompt', 'question_id', 'rejected', 'set', 'strength']);
      expect(rows.length).toBe(expected[split].length);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.map((r) => r.persona_id)).toEqual(expected[split].map((p) => p.personaId));
      expect(rows.map((r) => r.pair_id)).toEqual(expected[split].map((p) => p.id));
      const r0 = rows[0] as { prompt: { role: string; content: string }[]; chosen: { role: string; content: string }[]; rejected: { role: string; content: string }[] };
      expect(r0.prompt.map((m) => m.role)).toEqual(['system', 'user']);
      expect(r0.prompt[1].content).toBe(expected[split][0].instruction);
      expect(r0.chosen).toEqual([{ role: 'assistant', content: expected[split][0].chosen }]);
      expect(r0.rejected).toEqual([{ role: 'assistant', content: expected[split][0].rejected }]);
      const jsonl = text(files.get(`data/conditional-lm/${split}.jsonl`)).trimEnd().split('\n').map((l) => JSON.parse(l));
      expect(jsonl).toEqual(rows.map((r) => ({ ...r })));
      // Unseen personas never appear in train or test, and only they in unseen.
      for (const r of rows) expect(seen.has(r.persona_id as string)).toBe(split !== 'unseen');
    }
    // The marginal arm (subset none) has no system message.
    const m = text(files.get('data/marginal/train.jsonl')).split('\n')[0];
    expect(JSON.parse(m).prompt.map((x: { role: string }) => x.role)).toEqual(['user']);
  });

  it('train.py compiles with python3', () => {
    const py = spawnSync('python3', ['--version']);
    if (py.error) {
      console.log(`skipped: python3 is not on PATH (${py.error.message})`);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'trl-export-'));
    writeFileSync(join(dir, 'train.py'), files.get('train.py')!);
    execFileSync('python3', ['-m', 'py_compile', join(dir, 'train.py')]);
  });

  it('the generated text files match the snapshots', async () => {
    for (const f of ['train.py', 'README.md', 'requirements.txt', 'accelerate/single_gpu.yaml', 'accelerate/multi_gpu.yaml', 'accelerate/deepspeed_zero3.yaml']) {
      await expect(text(files.get(f))).toMatchFileSnapshot(`__snapshots__/trl-export/experiment/${f}`);
    }
  });
});

describe('export trl (policy)', () => {
  const policy = parsePolicySpec({
    name: 'policy-export-test',
    seed: 5,
    base: { kind: 'builtin-policy' },
    data: DATA,
    split: { unseenFraction: 0.25, testFraction: 0.3, crossPartners: 1 },
    arms: [
      { label: 'conditional DPO', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'dpo', loss: 'robust', beta: 0.2, labelSmoothing: 0.1, pairs: 'cross' }, train: { mode: 'lora', maxPairs: 40 } },
      { label: 'marginal RPO', conditioning: { kind: 'preset', name: 'none' }, method: { kind: 'dpo', loss: 'rpo', rpoAlpha: 0.5 }, train: { mode: 'full', maxPairs: 40 } },
      { label: 'roleplay', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'roleplay' } },
    ],
  });
  const dataset = generateBuiltin({ seed: DATA.seed, personas: DATA.personas, questionsPerPersona: DATA.questionsPerPersona, noise: DATA.noise });
  const files = byPath(trlExportFiles({ kind: 'policy', spec: policy, dataset }));

  it('writes DPO arms with their pair kind, DPOConfig fields and a compiling script', async () => {
    const sets = policyPairSets(policy, dataset);
    const train = text(files.get('data/conditional-dpo/train.jsonl')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(train.length).toBe(Math.min(40, sets.train.cross.length));
    expect(new Set(train.map((r) => r.set))).toEqual(new Set(['cross']));
    const script = text(files.get('train.py'));
    expect(script).toContain('"loss_type": "robust"');
    expect(script).toContain('"rpo_alpha": 0.5');
    expect(script).toContain('from trl import DPOConfig, DPOTrainer\n');
    expect(text(files.get('README.md'))).toContain('roleplay: roleplay does not train');
    await expect(script).toMatchFileSnapshot('__snapshots__/trl-export/policy/train.py');
    if (!spawnSync('python3', ['--version']).error) {
      const dir = mkdtempSync(join(tmpdir(), 'trl-export-'));
      writeFileSync(join(dir, 'train.py'), script);
      execFileSync('python3', ['-m', 'py_compile', join(dir, 'train.py')]);
    } else console.log('skipped py_compile: python3 is not on PATH');
  });

  it('refuses a spec with nothing to train, naming why', () => {
    const only = parsePolicySpec({ name: 'x', seed: 1, base: { kind: 'builtin-policy' }, data: DATA, arms: [{ label: 'rp', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'roleplay' } }] });
    expect(() => trlExportFiles({ kind: 'policy', spec: only, dataset })).toThrow(TrlExportError);
    expect(() => trlExportFiles({ kind: 'policy', spec: only, dataset })).toThrow(/rp: roleplay does not train/);
  });
});

describe('export trl (CLI)', () => {
  it('writes a policy spec file into a new folder and refuses a folder with files', async () => {
    const { exportTrl } = await import('../../../src/cli/commands/export-trl');
    const dir = mkdtempSync(join(tmpdir(), 'trl-cli-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ name: 'cli', seed: 2, base: { kind: 'builtin' }, data: DATA, arms: [{ label: 'c', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'dpo' }, train: { mode: 'lora', maxPairs: 10 } }] }));
    const out = join(dir, 'out');
    const log = console.log;
    console.log = () => {};
    try {
      expect(await exportTrl.run([spec, out])).toBe(0);
    } finally {
      console.log = log;
    }
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('| `c` | c | DPOTrainer (sigmoid, β 0.1) | LoRA r8');
    expect(readme).toContain('style line');
    expect(readFileSync(join(out, 'data/c/train.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(10);
    await expect(exportTrl.run([spec, out])).rejects.toThrow(/is not empty/);
  });
});
