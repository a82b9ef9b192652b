// A policy the CLI saved (`policy run --save DIR`) loaded through the Models panel's folder import is
// a Compare column that prompts as the run evaluated it: the folder holds the base's config and
// tokenizer, the trained weights and the policy's card (persona_lab_policy.json: the arm's persona
// lines and layout); loaded as picked files, the 'loaded' column reads the card and writes with the
// persona under the arm's subset only, and generates an answer for a built-in persona.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyRun } from '../../src/cli/commands/policy-run';
import { POLICY_CARD, parsePolicyCard } from '../../src/experiments/policy/save';
import { policyPrompt } from '../../src/experiments/policy/saved-policy';
import { QUESTIONS } from '../../src/data';
import { resolve } from '../../src/worker/column-models';
import { generateColumns } from '../../src/worker/columns';
import { compareDataset, loadPickedModel } from '../../src/worker/models';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';

describe('a CLI-saved policy folder as a Compare column', () => {
  it('saves the card beside the weights; the loaded folder prompts with the arm subset', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'policy-save-'));
    const spec = {
      name: 'cli toy',
      seed: 3,
      base: { kind: 'path', path: TINY },
      data: { source: 'builtin', personas: 16, questionsPerPersona: 4 },
      arms: [{ label: 'conditional DPO', conditioning: { kind: 'custom', attributes: ['age'] }, method: { kind: 'dpo', pairs: 'both', beta: 0.1 }, train: { mode: 'full', epochs: 1, batchSize: 4, lr: 0.0005, maxPairs: 8, maxLength: 128, logEvery: 1 } }],
      eval: { seenPersonas: 1, unseenPersonas: 1, questionsPerPersona: 1, maxNewTokens: 4, batchSize: 4 },
    };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const log = console.log;
    console.log = () => undefined;
    try {
      await policyRun.run([join(dir, 'spec.json'), '--save', join(dir, 'saved'), '--runs', join(dir, 'runs'), '--quiet']);
    } finally {
      console.log = log;
    }
    const [runId] = await readdir(join(dir, 'saved'));
    const folder = join(dir, 'saved', runId, '0-conditional-DPO');
    const names = (await readdir(folder)).sort();
    expect(names).toEqual(['config.json', 'model.safetensors', POLICY_CARD, 'tokenizer.json', 'tokenizer_config.json'].sort());
    const card = parsePolicyCard(await readFile(join(folder, POLICY_CARD), 'utf8'));
    expect(card).toMatchObject({ runId, arm: 0, label: 'conditional DPO', base: 'path', conditioning: { keys: ['age'] }, styled: false });

    const files = await Promise.all(names.map(async (n) => new File([await readFile(join(folder, n))], n)));
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
});
