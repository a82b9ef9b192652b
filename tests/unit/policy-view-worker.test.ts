// The Policies view's worker side without a browser: spec checks name the field at fault, a spec
// survives its share link, and a record's CSV has one row per (arm, set) and per skew group.
import { describe, expect, it } from 'vitest';
import { checkPolicySpec, policyPresets, policySpecInHash } from '../../src/worker/policies';
import { policyCsv } from '../../src/worker/policy-export';
import type { PolicyEvalSet, PolicyRecord, RateWithInterval } from '../../src/protocol/policy';

const rate = (r: number): RateWithInterval => ({ n: 10, wins: 10 * r, rate: r, lo: r - 0.1, hi: r + 0.1 });

function evalSet(set: 'seen' | 'unseen', r: number): PolicyEvalSet {
  return {
    set, personas: 2, answers: 4, vsBase: rate(r), vsBayes: rate(r / 2), perPersonaVsBase: { median: r, q1: r - 0.2, q3: r + 0.2, min: 0, max: 1 }, perPersona: [],
    meanUtility: 1, baseUtility: 0.5, bestUtility: 3, gapClosed: 0.2, kl: 0.4, invalidRate: 0, baseInvalidRate: 0.25,
  };
}

describe('policies worker', () => {
  it('lists runnable presets, each spec checking ok', () => {
    const presets = policyPresets();
    expect(presets.map((p) => p.name)).toContain('dpo');
    for (const p of presets) expect(checkPolicySpec(p.spec).ok).toBe(true);
  });

  it('names the field path of a bad value', () => {
    const spec = structuredClone(policyPresets()[0].spec) as unknown as { arms: { method: { beta: number } }[] };
    spec.arms[0].method.beta = -1;
    const c = checkPolicySpec(spec);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.path).toBe('arms[0].method.beta');
  });

  it('restores a spec from its share link, and says when the link is broken', () => {
    const spec = { ...policyPresets()[0].spec, seed: 7 };
    const c = checkPolicySpec(spec);
    if (!c.ok) throw new Error(c.message);
    expect(c.hash.startsWith('#/policies?spec=')).toBe(true);
    const back = policySpecInHash(c.hash);
    expect(back?.ok && back.spec).toEqual(c.spec);
    expect(policySpecInHash('#/policies')).toBeNull();
    expect(policySpecInHash('#/policies?spec=%%%')?.ok).toBe(false);
  });

  it('writes one CSV row per arm and set, and per skew group', () => {
    const record = {
      id: 'policy-x', name: 'toy, "quoted"', seed: 3, backend: { kind: 'cpu', adapter: null },
      arms: [{ label: 'conditional DPO', method: 'DPO (sigmoid)', conditioning: 'custom (3)', training: 'full finetuning', eval: [evalSet('seen', 0.7), evalSet('unseen', 0.6)] }],
      skew: [{ axis: 'formality', conditional: 'conditional DPO', marginal: 'marginal DPO', minorityPole: 'casual', minorityShare: 0.3, minority: rate(0.8), majority: rate(0.5) }],
    } as unknown as PolicyRecord;
    const lines = policyCsv([record]).trim().split('\n');
    expect(lines).toHaveLength(5);
    const header = lines[0].split(',');
    const seen = lines[1];
    expect(seen).toContain('"toy, ""quoted"""');
    const cols = seen.replace('"toy, ""quoted"""', 'NAME').split(',');
    expect(cols[header.indexOf('vs_base')]).toBe('0.7');
    expect(cols[header.indexOf('set')]).toBe('seen');
    const minority = lines[3].replace('"toy, ""quoted"""', 'NAME').split(',');
    expect(minority[header.indexOf('group')]).toBe('minority');
    expect(minority[header.indexOf('cond_vs_marginal')]).toBe('0.8');
  });
});
