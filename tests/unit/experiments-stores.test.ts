// The three RunStores (memory, files for Node, IndexedDB for the browser on fake-indexeddb) obey
// one contract: records, checkpoints and kept reward models round-trip (Float32Arrays included),
// list in order (kept models are not records), delete per run; a run resumes from the file store
// after a "restart" (a new store object); a version-1 IndexedDB keeps its records when it upgrades.
import 'fake-indexeddb/auto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileRunStore } from '../../src/experiments/node/file-store';
import { RECORD_VERSION, type RunRecord } from '../../src/protocol/record';
import { presetSpec } from '../../src/experiments/presets';
import { IdbRunStore } from '../../src/experiments/runs/idb-store';
import { openDB } from 'idb';
import { expandArms } from '../../src/experiments/spec/expand';
import { MemoryRunStore, type ArmCheckpoint, type KeptModel, type RunStore } from '../../src/experiments/runs/store';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function record(id: string, createdAt: string): RunRecord {
  return {
    recordVersion: RECORD_VERSION,
    id,
    name: 'tiny',
    spec: presetSpec('tiny'),
    seed: 1,
    appVersion: 'test',
    backend: { kind: 'cpu', adapter: null },
    createdAt,
    updatedAt: createdAt,
    status: 'running',
    data: null,
    arms: [],
    importance: [],
  };
}

function checkpoint(runId: string, arm: number): ArmCheckpoint {
  return {
    runId,
    arm,
    step: 6,
    totalSteps: 10,
    params: { w: Float32Array.from([1.5, -2, 3e-8]) },
    optimizer: { step: 6, moments: { w: { m: Float32Array.from([0.1, 0.2, 0.3]), v: Float32Array.from([1, 2, 3]) } } },
    curve: [{ step: 2, epoch: 0.2, loss: 0.69 }],
    savedAt: '2025-01-01T00:00:00.000Z',
  };
}

function kept(runId: string, arm: number): KeptModel {
  const spec = expandArms(presetSpec('tiny'))[arm];
  return {
    runId,
    arm,
    label: spec.label,
    spec,
    datasetId: 'builtin-s1-p48-q6-n1',
    model: {
      kind: 'bag-of-features',
      dims: 2,
      loss: 'bradley-terry',
      persona: { keys: ['age'], extra: false, minPersonas: 5, vocab: ['<bias>', 'age#'], numeric: [{ key: 'age', mean: 41.5, sd: 12.25 }] },
      response: ['plan', 'plan ahead'],
      tensors: { 'persona.embed': Float32Array.from([0.5, -1, 2e-9, 3]), 'response.embed': Float32Array.from([1, 2, 3, -4, -5, 6e-7]) },
    },
  };
}

const stores: Array<[string, () => Promise<RunStore>]> = [
  ['memory', async () => new MemoryRunStore()],
  [
    'files',
    async () => {
      const d = await mkdtemp(join(tmpdir(), 'runs-'));
      dirs.push(d);
      return new FileRunStore(join(d, 'nested'));
    },
  ],
  ['indexeddb', async () => IdbRunStore.open(`runs-test-${Math.random()}`)],
];

describe.each(stores)('%s run store', (_name, make) => {
  it('round-trips records and checkpoints, lists, deletes per run', async () => {
    const s = await make();
    expect(await s.listRecords()).toEqual([]);
    expect(await s.getRecord('run-a')).toBeNull();
    await s.putRecord(record('run-b', '2025-01-02T00:00:00.000Z'));
    await s.putRecord(record('run-a', '2025-01-01T00:00:00.000Z'));
    expect((await s.listRecords()).map((r) => r.id).sort()).toEqual(['run-a', 'run-b']);
    const updated = { ...record('run-a', '2025-01-01T00:00:00.000Z'), status: 'done' as const };
    await s.putRecord(updated);
    expect(await s.getRecord('run-a')).toEqual(updated);

    await s.putCheckpoint(checkpoint('run-a', 0));
    await s.putCheckpoint(checkpoint('run-a', 1));
    await s.putCheckpoint(checkpoint('run-b', 0));
    const ck = await s.getCheckpoint('run-a', 1);
    expect(ck).toEqual(checkpoint('run-a', 1));
    expect(ck?.params.w).toBeInstanceOf(Float32Array);
    await s.deleteCheckpoints('run-a');
    expect(await s.getCheckpoint('run-a', 0)).toBeNull();
    expect(await s.getCheckpoint('run-b', 0)).not.toBeNull();
    await s.deleteRecord('run-b');
    expect(await s.getRecord('run-b')).toBeNull();
    expect(await s.getCheckpoint('run-b', 0)).toBeNull();
  });

  it('keeps reward models apart from the records, and deletes them with their run', async () => {
    const s = await make();
    await s.putRecord(record('run-a', '2025-01-01T00:00:00.000Z'));
    expect(await s.getModel('run-a', 0)).toBeNull();
    await s.putModel(kept('run-a', 0));
    await s.putModel(kept('run-a', 1));
    const m = await s.getModel('run-a', 1);
    expect(m).toEqual(kept('run-a', 1));
    expect(m?.model.tensors['response.embed']).toBeInstanceOf(Float32Array);
    expect((await s.listRecords()).map((r) => r.id)).toEqual(['run-a']);
    await s.deleteCheckpoints('run-a');
    expect(await s.getModel('run-a', 0)).not.toBeNull();
    await s.deleteRecord('run-a');
    expect(await s.getModel('run-a', 0)).toBeNull();
    expect(await s.getModel('run-a', 1)).toBeNull();
  });
});

describe('indexeddb run store', () => {
  it('upgrades a version-1 database (records and checkpoints, no models) without losing a record', async () => {
    const name = `runs-v1-${Math.random()}`;
    const v1 = await openDB(name, 1, {
      upgrade(d) {
        d.createObjectStore('records', { keyPath: 'id' });
        d.createObjectStore('checkpoints', { keyPath: 'key' }).createIndex('byRun', 'runId');
      },
    });
    await v1.put('records', record('run-old', '2025-01-01T00:00:00.000Z'));
    v1.close();
    const s = await IdbRunStore.open(name);
    expect(await s.getRecord('run-old')).toEqual(record('run-old', '2025-01-01T00:00:00.000Z'));
    expect(await s.getModel('run-old', 0)).toBeNull();
    await s.putModel(kept('run-old', 0));
    expect((await s.getModel('run-old', 0))?.label).toBe(kept('run-old', 0).label);
    s.close();
  });
});

describe('file run store', () => {
  it('refuses run ids that would escape its folder, and leaves no temporary files', async () => {
    const d = await mkdtemp(join(tmpdir(), 'runs-'));
    dirs.push(d);
    const s = new FileRunStore(d);
    await expect(s.getRecord('../etc/passwd')).rejects.toThrow(/Not a run id/);
    await s.putRecord(record('run-x', '2025-01-01T00:00:00.000Z'));
    await s.putCheckpoint(checkpoint('run-x', 0));
    expect((await readdir(d)).sort()).toEqual(['run-x.arm0.ckpt.json', 'run-x.json']);
    // A "restarted" process sees the same data.
    expect(await new FileRunStore(d).getCheckpoint('run-x', 0)).toEqual(checkpoint('run-x', 0));
  });
});
