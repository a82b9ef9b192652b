// The app's Export to TRL (worker/export-trl.ts on fake-indexeddb): a saved policy run and a saved
// experiment run, read from their stores, come back as a zip of export trl's files (Parquet only).
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IdbRunStore } from '../../../src/experiments/runs/idb-store';
import { parsePolicySpec } from '../../../src/experiments/policy/spec';
import { parseSpec } from '../../../src/experiments/spec/validate';
import type { RunRecord } from '../../../src/protocol/record';
import { exportTrl, RunNotFoundError } from '../../../src/worker/export-trl';
import { POLICY_RUNS_DB_NAME } from '../../../src/worker/policies';

const DATA = { source: 'builtin', seed: 3, personas: 24, questionsPerPersona: 4, noise: 0.1 } as const;

/** The names in a zip's central directory (signature 0x02014b50; name length at +28, name at +46). */
function zipNames(zip: Uint8Array): string[] {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const names: string[] = [];
  for (let i = 0; i + 46 <= zip.length; i++) {
    if (dv.getUint32(i, true) !== 0x02014b50) continue;
    const n = dv.getUint16(i + 28, true);
    names.push(new TextDecoder().decode(zip.subarray(i + 46, i + 46 + n)));
    i += 45 + n;
  }
  return names;
}

async function save(db: string | undefined, record: object): Promise<void> {
  const store = await IdbRunStore.open(db);
  await store.putRecord(record as RunRecord);
  store.close();
}

describe('Export to TRL in the worker', () => {
  it('zips a saved policy run and a saved experiment run', async () => {
    const policy = parsePolicySpec({ name: 'p', seed: 1, base: { kind: 'builtin-policy' }, data: DATA, arms: [{ label: 'dpo', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'dpo' }, train: { mode: 'lora', maxPairs: 10 } }] });
    await save(POLICY_RUNS_DB_NAME, { id: 'run-policy-1', kind: 'policy', spec: policy });
    const names = zipNames(await exportTrl('run-policy-1', 'policy'));
    expect(names).toContain('run-policy-1-trl/data/dpo/train.parquet');
    expect(names).toContain('run-policy-1-trl/train.py');
    expect(names.some((n) => n.endsWith('.jsonl'))).toBe(false);

    const spec = parseSpec({ name: 'e', seed: 1, data: DATA, arms: [{ label: 'rm', method: { kind: 'reward-model', loss: 'bradley-terry' }, subset: { kind: 'preset', name: 'all' }, model: { kind: 'features', dims: 8, minPersonas: 1 } }] });
    await save(undefined, { id: 'run-exp-1', spec });
    expect(zipNames(await exportTrl('run-exp-1'))).toContain('run-exp-1-trl/data/rm/unseen.parquet');
    await expect(exportTrl('run-nope')).rejects.toThrow(RunNotFoundError);
  });
});
