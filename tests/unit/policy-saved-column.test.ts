// A trained policy read back as the Compare view's policy column does: full weights and a LoRA
// adapter saved by the runner's save.ts give back a model whose logits are the trained model's
// (the adapter merged into the base's weights), and the column's prompt shows the persona under
// the arm's subset only (no persona for a marginal policy), in the base's layout.
import { readFileSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateBuiltin, DEFAULT_BUILTIN, QUESTIONS } from '../../src/data';
import { resolveSubset } from '../../src/experiments/spec/expand';
import { policyFiles } from '../../src/experiments/policy/save';
import { policyPrompt, policyShown, savedPolicyCheckpoint } from '../../src/experiments/policy/saved-policy';
import { loadModel, type LoadedModel } from '../../src/models/load-model';
import { memoryFiles } from '../../src/models/io/memory-files';
import { LoraAdapter } from '../../src/models/lora/adapter';
import { createBackend, type Backend } from '../../src/tensor';
import { Rng } from '../../src/util/rng';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';
const baseFiles = Object.fromEntries(readdirSync(TINY).map((n) => [n, new Uint8Array(readFileSync(`${TINY}/${n}`))]));

async function logits(m: LoadedModel['model'], ids: number[], adapter: LoraAdapter | null = null): Promise<Float32Array> {
  const t = m.forward(Int32Array.from(ids), 1, ids.length, { adapter });
  const d = (await t.data()) as Float32Array;
  t.dispose();
  return d;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('a saved policy as a Compare column', () => {
  let be: Backend;
  let base: LoadedModel;
  const ids = [1, 5, 9, 2, 7, 3];
  beforeAll(async () => {
    be = await createBackend('cpu');
    base = await loadModel(be, memoryFiles(baseFiles, TINY));
  });

  it('full weights: the loaded policy has the trained weights, not the base', async () => {
    const trained = await loadModel(be, memoryFiles(baseFiles, TINY));
    // A "training step": nudge every weight, as finetuning would.
    for (const [, p] of trained.model.namedParameters()) {
      const d = (await p.data()) as Float32Array;
      const r = new Rng(1);
      be.assign(p, be.fromData(d.map((x) => x + 0.05 * (r.next() - 0.5)), p.shape));
    }
    const saved = await policyFiles(trained.model, null, 'tiny');
    expect(saved.kind).toBe('full');
    const back = await loadModel(be, await savedPolicyCheckpoint(saved, baseFiles, 'test policy'));
    const [want, got, orig] = [await logits(trained.model, ids), await logits(back.model, ids), await logits(base.model, ids)];
    expect(maxDiff(want, got)).toBeLessThan(1e-5);
    expect(maxDiff(orig, got)).toBeGreaterThan(1e-3);
  });

  it('LoRA: the adapter merged into the base gives the logits of base + adapter', async () => {
    const adapter = LoraAdapter.create(be, base.model.config, { rank: 4, alpha: 8, dropout: 0, targets: ['q_proj', 'v_proj'] }, new Rng(2));
    // A fresh adapter's B is zero (a no-op): give it weights, as training would.
    for (const p of adapter.parameters()) {
      const d = (await p.data()) as Float32Array;
      const r = new Rng(3);
      be.assign(p, be.fromData(d.map(() => 0.2 * (r.next() - 0.5)), p.shape));
    }
    adapter.training = false;
    const saved = await policyFiles(base.model, adapter, 'tiny');
    expect(saved.kind).toBe('lora');
    const back = await loadModel(be, await savedPolicyCheckpoint(saved, baseFiles, 'test policy'));
    const [want, got, orig] = [await logits(base.model, ids, adapter), await logits(back.model, ids), await logits(base.model, ids)];
    expect(maxDiff(orig, want)).toBeGreaterThan(1e-3);
    expect(maxDiff(want, got)).toBeLessThan(1e-4);
  });

  it("prompts with the arm's persona lines only, and none for a marginal policy", () => {
    const ds = generateBuiltin(DEFAULT_BUILTIN);
    const persona = ds.personas[0].attributes;
    const q = QUESTIONS[0].text;
    const tok = base.tokenizer;
    const marginal = policyPrompt(tok, persona, resolveSubset({ kind: 'preset', name: 'none' }), q);
    const age = policyPrompt(tok, persona, resolveSubset({ kind: 'custom', attributes: ['age'] }), q);
    expect(marginal).toContain(q);
    expect(marginal).not.toContain(`age: ${persona.age}`);
    expect(age).toContain(`age: ${persona.age}`);
    expect(age).not.toContain(`religion: ${persona.religion}`);
    // The built-in persona-reading base writes a style line first; the column shows it apart.
    expect(policyShown({ tokenizer: tok, styled: true }, 'age: 30 -> a casual tone\nAnswer: Try it.')).toEqual({ text: 'Try it.', style: 'age: 30 -> a casual tone' });
    expect(policyShown({ tokenizer: tok, styled: false }, ' Try it. ')).toEqual({ text: 'Try it.' });
  });
});
