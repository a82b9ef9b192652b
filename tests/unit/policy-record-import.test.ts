// Policy run records read from a JSON file (src/experiments/policy/record-import.ts): one record
// or a list, as the CLI writes runs/policy/ID.json and the Policies view exports; malformed files
// (not JSON, truncated, an experiment record, a wrong version, an id with markup, a huge field, a
// spec that does not validate, arms that do not match it) are refused with a message naming it.
import { describe, expect, it } from 'vitest';
import { PolicyRecordImportError, readPolicyRecords } from '../../src/experiments/policy/record-import';
import { parsePolicySpec } from '../../src/experiments/policy/spec';

const spec = parsePolicySpec({
  name: 'two arms',
  arms: [
    { label: 'conditional', conditioning: { kind: 'preset', name: 'demographics' }, method: { kind: 'dpo' } },
    { label: 'marginal', conditioning: { kind: 'preset', name: 'none' }, method: { kind: 'dpo' } },
  ],
});
const arm = (label: string) => ({ label, status: 'done', curve: [{ step: 1, loss: 0.69 }], eval: [], final: {} });
const record = (over: Record<string, unknown> = {}) => ({ recordVersion: 1, kind: 'policy', id: 'policy-abc-1', name: 'two arms', spec, seed: 1, status: 'done', arms: [arm('conditional'), arm('marginal')], ...over });

function refused(text: string): string {
  try {
    readPolicyRecords(text);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyRecordImportError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('readPolicyRecords', () => {
  it('reads one record or a list, as written', () => {
    const [one] = readPolicyRecords(JSON.stringify(record()));
    expect(one.id).toBe('policy-abc-1');
    expect(one.arms[1].curve).toEqual([{ step: 1, loss: 0.69 }]);
    expect(readPolicyRecords(JSON.stringify([record(), record({ id: 'policy-abc-2' })])).map((r) => r.id)).toEqual(['policy-abc-1', 'policy-abc-2']);
  });

  it('refuses what is not JSON, a truncated file and an empty list', () => {
    expect(refused('hello')).toMatch(/^The file is not JSON/);
    const text = JSON.stringify(record());
    expect(refused(text.slice(0, text.length / 2))).toMatch(/^The file is not JSON/);
    expect(refused('[]')).toMatch(/empty list/);
    expect(refused('42')).toBe('the file is not a policy run record');
  });

  it('refuses other records, other versions and ids that are not run ids, quoting them short', () => {
    expect(refused(JSON.stringify({ recordVersion: 1, id: 'run-1', arms: [], importance: [] }))).toMatch(/kind must be "policy", got undefined \(an experiment run: import it in the Results view\)/);
    expect(refused(JSON.stringify(record({ recordVersion: 2 })))).toBe('the file: recordVersion must be 1, got 2');
    expect(refused(JSON.stringify(record({ id: '<script>alert(1)</script>' })))).toBe('the file: id must be a run id, got "<script>alert(1)</script>"');
    const huge = refused(JSON.stringify(record({ id: 'x'.repeat(100_000) })));
    expect(huge.length).toBeLessThan(200);
    expect(refused(JSON.stringify(record({ id: 7 })))).toBe('the file: id must be a run id, got 7');
  });

  it('refuses a spec that does not validate and arms that do not match it, naming the record', () => {
    expect(refused(JSON.stringify(record({ spec: { ...spec, seed: 'one' } })))).toMatch(/^the file: its spec does not validate \(.*seed/);
    expect(refused(JSON.stringify(record({ arms: [arm('conditional')] })))).toBe('the file: arms must be a list of 2 (one per arm of its spec)');
    expect(refused(JSON.stringify(record({ arms: [arm('conditional'), arm('pooled')] })))).toBe(`the file: arms[1] must be the result of the spec's arm "marginal"`);
    expect(refused(JSON.stringify(record({ arms: [arm('conditional'), { ...arm('marginal'), eval: 'none' }] })))).toBe('the file: arms[1].eval and arms[1].curve must be lists');
    expect(refused(JSON.stringify([record(), record({ status: 3 })]))).toBe('record 2: status must be a string');
  });
});
