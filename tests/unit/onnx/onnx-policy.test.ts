// An ONNX model as a policy spec's base: `policy run` (the CLI command, in-process) runs the
// untrained arms (roleplay, few-shot) on the ONNX test decoder and, with --base, on our engine's
// checkpoint with the same weights; greedy, both write the same answers token for token, get the
// same verdicts from the truth judge, and the few-shot arm's KL to the base agrees (the ONNX path
// writes and scores through the inference interface). A training arm on an ONNX base is refused
// by its field.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { policyRun } from '../../../src/cli/commands/policy-run';
import { parsePolicySpec } from '../../../src/experiments/policy/spec';
import { runPolicy } from '../../../src/experiments/policy/runner';
import { loadBuiltin } from '../../../src/experiments/prepare';
import { MemoryRunStore } from '../../../src/experiments/runs/store';
import { SpecError } from '../../../src/experiments/spec/schema';
import type { PolicyRecord } from '../../../src/protocol/policy';
import { createBackend } from '../../../src/tensor';

const SPEC = 'tests/fixtures/onnx-policy-baselines.json';
const CHECKPOINT = 'tests/fixtures/tiny-checkpoint/llama-f32';
const ONNX = 'tests/fixtures/onnx-decoder';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnx-policy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[], name: string): Promise<PolicyRecord> {
  const out = join(dir, `${name}.json`);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    expect(await policyRun.run([SPEC, '--runs', join(dir, 'runs'), '--json', out, '--quiet', ...args])).toBe(0);
  } finally {
    log.mockRestore();
  }
  return JSON.parse(await readFile(out, 'utf8')) as PolicyRecord;
}

function field(value: unknown): string {
  try {
    parsePolicySpec(value);
  } catch (e) {
    if (e instanceof SpecError) return `${e.path}: ${e.problem}`;
    throw e;
  }
  return 'valid';
}

describe('an ONNX model as a policy base', () => {
  it('`policy run` on the ONNX decoder writes the answers, verdicts and KL our engine does on the same weights', async () => {
    const onnx = await cli(['--base', `onnx:${ONNX}`], 'onnx');
    const engine = await cli(['--base', CHECKPOINT], 'engine');
    for (const r of [onnx, engine]) expect(r.status, r.error?.message).toBe('done');
    expect(onnx.spec.base).toEqual({ kind: 'onnx', onnx: ONNX });
    expect(onnx.base).toMatch(/^ONNX model tests\/fixtures\/onnx-decoder \(onnx\/model\.onnx, onnxruntime-web wasm\)/);
    expect(onnx.backend).toMatchObject({ kind: 'cpu', onnx: { provider: 'wasm', asked: 'wasm' } });
    expect(engine.spec.base).toEqual({ kind: 'path', path: CHECKPOINT });
    expect(onnx.data).toEqual(engine.data);
    expect(onnx.arms.map((a) => a.label)).toEqual(['roleplay', 'few-shot (k=2)']);
    for (let i = 0; i < 2; i++) {
      const [a, b] = [onnx.arms[i], engine.arms[i]];
      expect(a.status).toBe('done');
      // 3 seen and 3 unseen personas × up to 2 held-out questions, one greedy answer each.
      expect(a.answers).toHaveLength(onnx.data!.evalPrompts.seen + onnx.data!.evalPrompts.unseen);
      expect(a.answers!.length).toBeGreaterThanOrEqual(6);
      expect(a.answers).toEqual(b.answers);
      expect(a.examples).toEqual(b.examples);
      expect(a.eval.map((e) => e.set)).toEqual(['seen', 'unseen']);
      a.eval.forEach((e, k) => {
        const f = b.eval[k];
        expect({ vsBase: e.vsBase, vsBayes: e.vsBayes, perPersona: e.perPersona, invalid: e.invalidRate, baseInvalid: e.baseInvalidRate }).toEqual({
          vsBase: f.vsBase,
          vsBayes: f.vsBayes,
          perPersona: f.perPersona,
          invalid: f.invalidRate,
          baseInvalid: f.baseInvalidRate,
        });
        // Roleplay is the base itself (KL 0); few-shot's answers are read after two prompts
        // (with and without the examples), a sum over up to 12 tokens.
        if (i === 0) expect(e.kl).toBe(0);
        else {
          expect(e.kl).not.toBe(0);
          expect(Math.abs(e.kl - f.kl)).toBeLessThan(1e-3);
        }
      });
    }
    // The answers differ between the arms (the few-shot examples change the prompt), so equality above is not vacuous.
    expect(onnx.arms[1].answers).not.toEqual(onnx.arms[0].answers);
  });

  it('refuses a training arm on an ONNX base by its field; untrained arms are valid', () => {
    const spec = (kinds: string[]) => ({ base: { kind: 'onnx', onnx: ONNX }, arms: kinds.map((kind, i) => ({ label: `a${i}`, method: { kind } })) });
    expect(field(spec(['roleplay', 'few-shot']))).toBe('valid');
    expect(parsePolicySpec(spec(['roleplay'])).base).toEqual({ kind: 'onnx', onnx: ONNX });
    expect(field(spec(['roleplay', 'dpo']))).toMatch(
      /^arms\[1\]\.method\.kind: "dpo" trains the policy, and the base is an ONNX model \(base\.kind "onnx"\), which onnxruntime-web runs for inference only: with an ONNX base every arm must be "roleplay" or "few-shot"/,
    );
    for (const kind of ['iterative-dpo', 'ppo', 'rloo']) expect(field(spec(['few-shot', kind]))).toMatch(new RegExp(`^arms\\[1\\]\\.method\\.kind: "${kind}" trains the policy`));
    expect(field({ base: { kind: 'onnx' }, arms: [{ label: 'r', method: { kind: 'roleplay' } }] })).toMatch(/^base\.onnx: /);
    expect(field({ base: { kind: 'onnx', onnx: '' }, arms: [{ label: 'r', method: { kind: 'roleplay' } }] })).toMatch(/^base\.onnx: /);
  });

  it('an environment without an ONNX loader stops the run on base.onnx', async () => {
    const be = await createBackend('cpu');
    const r = await runPolicy(JSON.parse(await readFile(SPEC, 'utf8')), {
      backend: be,
      adapter: null,
      store: new MemoryRunStore<PolicyRecord>(),
      loadData: loadBuiltin,
      loadBase: () => Promise.reject(new Error('the engine loader must not be asked for an ONNX base')),
      appVersion: 'test',
    });
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ name: 'PolicyBaseUnavailableError' });
    expect(r.error?.message).toMatch(/^base\.onnx: this environment cannot load ONNX models/);
  });
});
