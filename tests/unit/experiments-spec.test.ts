// Experiment specs: validation names the field it refuses, defaults fill what is absent, presets
// validate, sweeps expand, and specs survive the URL round trip.
import { describe, expect, it } from 'vitest';
import { METHOD_CATALOGUE } from '../../src/experiments/methods/catalogue';
import { PRESETS, presetSpec } from '../../src/experiments/presets';
import { expandArms } from '../../src/experiments/spec/expand';
import { SpecError } from '../../src/experiments/spec/schema';
import { decodeSpec, encodeSpec, minimizeSpec, specFromHash, specHash } from '../../src/experiments/spec/url';
import { parseSpec, parseSpecJson } from '../../src/experiments/spec/validate';

const minimal = { arms: [{ label: 'rm', method: { kind: 'reward-model' } }] };

function refusal(value: unknown): SpecError {
  try {
    parseSpec(value);
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('expected the spec to be refused');
}

describe('parseSpec', () => {
  it('fills defaults for a minimal spec', () => {
    const s = parseSpec(minimal);
    expect(s.version).toBe(1);
    expect(s.seed).toBe(1);
    expect(s.data).toEqual({ source: 'builtin', seed: 1, personas: 1000, questionsPerPersona: 24, noise: 0.8 });
    expect(s.arms[0].method).toEqual({ kind: 'reward-model', loss: 'bradley-terry' });
    expect(s.arms[0].subset).toEqual({ kind: 'preset', name: 'all' });
    expect(s.arms[0].model).toEqual({ kind: 'features', dims: 16, minPersonas: 5 });
    expect(s.arms[0].train.clipNorm).toBe(1);
    expect(s.sweep).toBeNull();
    // Parsing is idempotent.
    expect(parseSpec(s)).toEqual(s);
  });

  it('refuses unknown fields, naming the path', () => {
    expect(refusal({ ...minimal, colour: 'red' }).path).toBe('colour');
    const e = refusal({ arms: [{ label: 'a', method: { kind: 'reward-model' }, train: { lr: 0.1, learningRate: 0.1 } }] });
    expect(e.path).toBe('arms[0].train.learningRate');
    expect(e.message).toMatch(/not a known field/);
    expect(e.message).toMatch(/known: epochs, batchSize, lr/);
  });

  it('refuses out-of-range and mistyped values, naming the path', () => {
    expect(refusal({ arms: [{ label: 'a', method: { kind: 'reward-model' }, train: { lr: -1 } }] }).path).toBe('arms[0].train.lr');
    expect(refusal({ arms: [{ label: 'a', method: { kind: 'reward-model' }, train: { batchSize: 2.5 } }] }).message).toMatch(/arms\[0\]\.train\.batchSize: must be an integer/);
    expect(refusal({ ...minimal, seed: 'one' }).path).toBe('seed');
    expect(refusal({ ...minimal, split: { unseenFraction: 1 } }).path).toBe('split.unseenFraction');
    expect(refusal({ ...minimal, data: { source: 'builtin', personas: 2 } }).path).toBe('data.personas');
    expect(refusal({ ...minimal, data: { source: 'web' } }).path).toBe('data.source');
    expect(refusal({ arms: [{ label: 'a', method: { kind: 'few-shot', k: 3 }, model: { kind: 'lm' } }] }).path).toBe('arms[0].method.k');
    expect(refusal({ arms: [{ label: 'a', method: { kind: 'reward-model' }, subset: { kind: 'custom', attributes: ['shoe size'] } }] }).path).toBe('arms[0].subset.attributes[0]');
    expect(refusal({ arms: [] }).message).toMatch(/arms: needs at least 1 item/);
    expect(refusal({}).message).toMatch(/arms: is required/);
    expect(refusal(null).message).toMatch(/^spec: must be an object/);
  });

  it('checks what spans fields', () => {
    const two = { arms: [minimal.arms[0], minimal.arms[0]] };
    expect(refusal(two).path).toBe('arms[1].label');
    expect(refusal({ arms: [{ label: 'r', method: { kind: 'roleplay' } }] }).path).toBe('arms[0].model.kind');
    expect(refusal({ arms: [{ label: 'r', method: { kind: 'reward-model' }, model: { kind: 'lm', mode: 'lora' } }] }).path).toBe('arms[0].model.mode');
    expect(parseSpec({ arms: [{ label: 'r', method: { kind: 'reward-model' }, model: { kind: 'lm', mode: 'lora', input: 'joint' } }] }).arms[0].model).toMatchObject({ mode: 'lora', input: 'joint', lora: { rank: 8, alpha: 16, dropout: 0 } });
    expect(refusal({ ...minimal, sweep: { kind: 'subsets', arm: 3, subsets: [{ kind: 'preset', name: 'none' }] } }).path).toBe('sweep.arm');
    expect(refusal({ arms: [{ ...minimal.arms[0], subset: { kind: 'preset', name: 'none' } }], sweep: { kind: 'leave-one-out', arm: 0 } }).path).toBe('arms[0].subset');
  });

  it('reads JSON text and says when it is not JSON', () => {
    expect(parseSpecJson(JSON.stringify(minimal)).arms).toHaveLength(1);
    expect(() => parseSpecJson('{"arms": [')).toThrow(SpecError);
  });
});

describe('presets', () => {
  it('all validate and have distinct names', () => {
    expect(new Set(PRESETS.map((p) => p.name)).size).toBe(PRESETS.length);
    for (const p of PRESETS) expect(() => presetSpec(p.name), p.name).not.toThrow();
    expect(() => presetSpec('nope')).toThrow(/No preset "nope"/);
  });

  it('the conditional-vs-marginal preset differs only in the subset', () => {
    const s = presetSpec('conditional-vs-marginal');
    const [c, m] = s.arms;
    expect(c.subset).toEqual({ kind: 'preset', name: 'all' });
    expect(m.subset).toEqual({ kind: 'preset', name: 'none' });
    expect({ ...c, label: '', subset: null }).toEqual({ ...m, label: '', subset: null });
  });
});

describe('expandArms', () => {
  it('expands a leave-one-out sweep to one arm per attribute after the listed arms', () => {
    const arms = expandArms(presetSpec('leave-one-out'));
    expect(arms).toHaveLength(34);
    expect(arms[0].role).toBe('base');
    expect(arms[1]).toMatchObject({ role: 'leave-one-out', leftOut: 'age', subset: { kind: 'leave-one-out', attribute: 'age' }, sweptArm: 0 });
    expect(new Set(arms.map((a) => a.label)).size).toBe(34);
  });

  it('expands a subset sweep', () => {
    const arms = expandArms(presetSpec('subsets'));
    expect(arms.map((a) => a.label)).toEqual(['reward model', 'reward model · none', 'reward model · demographics', 'reward model · psychographics']);
  });
});

describe('spec URLs', () => {
  it('round-trips every preset, and drops defaults to keep links short', () => {
    for (const p of PRESETS) {
      const spec = presetSpec(p.name);
      expect(decodeSpec(encodeSpec(spec))).toEqual(spec);
    }
    expect(minimizeSpec(parseSpec(minimal))).toEqual({ arms: [{ label: 'rm', method: { kind: 'reward-model' } }] });
  });

  it('reads the spec from a hash route and refuses damaged links with a SpecError', () => {
    const spec = presetSpec('tiny');
    const hash = specHash(spec);
    expect(hash.startsWith('#/experiments?spec=')).toBe(true);
    expect(specFromHash(hash)).toEqual(spec);
    expect(specFromHash('#/experiments')).toBeNull();
    expect(() => decodeSpec('%%%')).toThrow(SpecError);
    expect(() => decodeSpec(encodeSpec(spec).slice(0, 20))).toThrow(SpecError);
    // A hand-edited link is validated like any spec.
    const edited = btoa(JSON.stringify({ arms: [{ label: 'x', method: { kind: 'reward-model' }, train: { lr: 0 } }] })).replace(/=+$/, '');
    expect(() => decodeSpec(edited)).toThrow(/arms\[0\]\.train\.lr/);
  });
});

describe('the methods catalogue (served to the spec builder)', () => {
  it('offers distinct entries, each a method the validator accepts unchanged, every method kind once at least', () => {
    expect(new Set(METHOD_CATALOGUE.map((m) => m.value)).size).toBe(METHOD_CATALOGUE.length);
    for (const m of METHOD_CATALOGUE) {
      // Prompting methods read a language model; a reward model's default is the features model.
      const model = m.method.kind === 'reward-model' ? undefined : { kind: 'lm' };
      const spec = parseSpec({ arms: [{ label: m.value, method: m.method, ...(model && { model }) }] });
      expect(spec.arms[0].method, m.value).toEqual(m.method);
    }
    expect(new Set(METHOD_CATALOGUE.map((m) => m.method.kind))).toEqual(new Set(['reward-model', 'roleplay', 'few-shot']));
  });
});
