// A policy the CLI saved (`policy run --save DIR`) loaded through the Models panel's folder import is
// a Compare column that prompts as the run evaluated it: the folder holds the base's config and
// tokenizer, the trained weights and the policy's card (persona_lab_policy.json: the arm's persona
// lines and layout); loaded as picked files, the 'loaded' column reads the card and writes with the
// persona under the arm's subset only, and generates an answer for a built-in persona.
// A directional policy's folder also carries its objectives in the card and, placed as an embedding, its
// direction table: the column steers with it (and refuses a folder that lost the table).
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { policyRun } from '../../src/cli/commands/policy-run';
import { CONDITION_FILE, POLICY_CARD, parsePolicyCard, readSavedCondition } from '../../src/experiments/policy/save';
import { policyPrompt } from '../../src/experiments/policy/saved-policy';
import { QUESTIONS } from '../../src/data';
import { columnModels, resolve } from '../../src/worker/column-models';
import { generateColumns } from '../../src/worker/columns';
import { compareDataset, loadPickedModel } from '../../src/worker/models';
import { directionSummary } from '../../src/ui/compare/direction-summary';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';

/** Runs `policy run --save` on `spec` (quietly); the run id, arm 0's saved folder, its file names (sorted) and those files as picked Files. */
async function savedByCli(spec: object, armFolder: string) {
  const dir = await mkdtemp(join(tmpdir(), 'policy-save-'));
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
  const log = console.log;
  console.log = () => undefined;
  try {
    await policyRun.run([join(dir, 'spec.json'), '--save', join(dir, 'saved'), '--runs', join(dir, 'runs'), '--quiet']);
  } finally {
    console.log = log;
  }
  const [runId] = await readdir(join(dir, 'saved'));
  const folder = join(dir, 'saved', runId, armFolder);
  const names = (await readdir(folder)).sort();
  const files = await Promise.all(names.map(async (n) => new File([await readFile(join(folder, n))], n)));
  return { runId, folder, names, files };
}

describe('a CLI-saved policy folder as a Compare column', () => {
  it('saves the card beside the weights; the loaded folder prompts with the arm subset', async () => {
    const spec = {
      name: 'cli toy',
      seed: 3,
      base: { kind: 'path', path: TINY },
      data: { source: 'builtin', personas: 16, questionsPerPersona: 4 },
      arms: [{ label: 'conditional DPO', conditioning: { kind: 'custom', attributes: ['age'] }, method: { kind: 'dpo', pairs: 'both', beta: 0.1 }, train: { mode: 'full', epochs: 1, batchSize: 4, lr: 0.0005, maxPairs: 8, maxLength: 128, logEvery: 1 } }],
      eval: { seenPersonas: 1, unseenPersonas: 1, questionsPerPersona: 1, maxNewTokens: 4, batchSize: 4 },
    };
    const { runId, folder, names, files } = await savedByCli(spec, '0-conditional-DPO');
    expect(names).toEqual(['config.json', 'model.safetensors', POLICY_CARD, 'tokenizer.json', 'tokenizer_config.json'].sort());
    const card = parsePolicyCard(await readFile(join(folder, POLICY_CARD), 'utf8'));
    expect(card).toMatchObject({ runId, arm: 0, label: 'conditional DPO', base: 'path', conditioning: { keys: ['age'] }, styled: false });

    await loadPickedModel(files, undefined, 'cpu');
    const column = await resolve('loaded');
    expect(column.prompt).toBe('policy');
    expect(column.policy?.subset.keys).toEqual(['age']);
    const persona = compareDataset().personas[0];
    const prompt = policyPrompt(column.tokenizer, persona.attributes, column.policy!.subset, QUESTIONS[0].text);
    expect(prompt).toContain(`age: ${persona.attributes.age}`);
    expect(prompt).not.toContain(`religion: ${persona.attributes.religion}`);
    const out = await generateColumns({ instructionId: QUESTIONS[0].id, columns: [{ modelId: 'loaded', personaId: persona.id }], samples: 1, seed: 1, temperature: 0, topP: 1, maxNewTokens: 6 });
    expect(out.answers).toHaveLength(1);
    expect(out.answers[0].tokens).toBeGreaterThan(0);
  }, 300_000);

  it('a directional policy with a learned direction: the card names its objectives, the column reads the table and shows sliders', async () => {
    const spec = {
      name: 'cli directional toy',
      seed: 2,
      base: { kind: 'path', path: TINY },
      data: { source: 'builtin', personas: 40, questionsPerPersona: 8 },
      arms: [{ label: 'dir', conditioning: { kind: 'preset', name: 'none' }, method: { kind: 'directional-dpo', dims: 4, placement: 'embedding', conditionLr: 1e-2, guidance: 1.5, plausibility: 0.05, squash: 2, judge: { questions: 2, baseDirections: 1, sweepAngles: 3 } }, train: { mode: 'full', epochs: 1, batchSize: 4, lr: 5e-4, maxPairs: 8, maxLength: 128, logEvery: 1 } }],
      eval: { seenPersonas: 1, unseenPersonas: 1, questionsPerPersona: 1, maxNewTokens: 4, batchSize: 8 },
    };
    const { folder, names, files } = await savedByCli(spec, '0-dir');
    expect(names).toContain(CONDITION_FILE);
    const card = parsePolicyCard(await readFile(join(folder, POLICY_CARD), 'utf8'))!;
    const saved = (await readSavedCondition({ [CONDITION_FILE]: new Uint8Array(await readFile(join(folder, CONDITION_FILE))) }))!;
    expect(card.directional).toEqual({ objectives: saved.features, placement: 'embedding', guidance: 1.5, plausibility: 0.05 });
    // A card written before the constraint existed reads as none; a malformed α is no card.
    const { plausibility: _, ...older } = card.directional!;
    expect(parsePolicyCard(JSON.stringify({ ...card, directional: older }))?.directional).toEqual(older);
    for (const bad of [1, -0.5, '0.1']) expect(parsePolicyCard(JSON.stringify({ ...card, directional: { ...card.directional, plausibility: bad } }))).toBeNull();
    expect(saved.squash).toBe(2);

    await loadPickedModel(files, undefined, 'cpu');
    const option = (await columnModels()).find((o) => o.id === 'loaded');
    expect(option?.objectives).toEqual(saved.features);
    // The sliders say what the policy reads: each component of the unit direction through tanh(2 · u_k).
    expect(option?.squash).toBe(2);
    expect(directionSummary(saved.features, saved.features.map((_, k) => (k === 0 ? -1 : 0)), option?.squash)).toBe(`${saved.features[0]} -0.96, ${saved.features.slice(1).map((f) => `${f} 0.00`).join(', ')} (tanh(2 · u_k) of the unit direction u)`);
    const column = await resolve('loaded');
    expect(column.policy?.objectives).toEqual(saved.features);
    expect(column.policy?.placement).toBe('embedding');
    expect(column.policy?.guidance).toBe(1.5);
    expect(column.policy?.plausibility).toBe(0.05);
    expect(column.policy?.condition?.table).toEqual(saved.table);
    expect(column.policy?.condition?.squash).toBe(2);
    const persona = compareDataset().personas[0];
    const direction = saved.features.map((_, k) => (k === 0 ? 1 : 0));
    const out = await generateColumns({ instructionId: QUESTIONS[0].id, columns: [{ modelId: 'loaded', personaId: persona.id, direction }], samples: 1, seed: 1, temperature: 0, topP: 1, maxNewTokens: 6 });
    expect(out.answers[0].tokens).toBeGreaterThan(0);

    // Without its table the folder cannot be steered: the column says so instead of writing as if u = 0.
    await loadPickedModel(files.filter((f) => f.name !== CONDITION_FILE), undefined, 'cpu');
    await expect(resolve('loaded')).rejects.toThrow(CONDITION_FILE);
  }, 300_000);
});
