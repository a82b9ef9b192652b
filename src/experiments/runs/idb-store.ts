// The browser's RunStore: run records, arm checkpoints and kept reward models in IndexedDB (via idb), in their own
// database so the dataset store's upgrades never touch them. Each put is one transaction, so a
// tab closed mid-run keeps every record and checkpoint already written.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunRecord } from '../../protocol/record';
import type { ArmCheckpoint, KeptModel, RunStore } from './store';

export const RUNS_DB_NAME = 'persona-lab-runs';
// 2: kept reward models (a store of their own; version-1 databases keep their records).
const VERSION = 2;

interface RunsDb extends DBSchema {
  records: { key: string; value: RunRecord };
  checkpoints: { key: string; value: ArmCheckpoint & { key: string }; indexes: { byRun: string } };
  models: { key: string; value: KeptModel & { key: string }; indexes: { byRun: string } };
}

export class IdbRunStore implements RunStore {
  private constructor(private readonly db: IDBPDatabase<RunsDb>) {}

  static async open(name = RUNS_DB_NAME): Promise<IdbRunStore> {
    const db = await openDB<RunsDb>(name, VERSION, {
      upgrade(d, oldVersion) {
        if (oldVersion < 1) {
          d.createObjectStore('records', { keyPath: 'id' });
          d.createObjectStore('checkpoints', { keyPath: 'key' }).createIndex('byRun', 'runId');
        }
        if (oldVersion < 2) d.createObjectStore('models', { keyPath: 'key' }).createIndex('byRun', 'runId');
      },
      blocking() {
        // A newer version of the app wants to upgrade: let it.
        db.close();
      },
    });
    return new IdbRunStore(db);
  }

  close(): void {
    this.db.close();
  }

  async putRecord(record: RunRecord): Promise<void> {
    await this.db.put('records', record);
  }
  async getRecord(runId: string): Promise<RunRecord | null> {
    return (await this.db.get('records', runId)) ?? null;
  }
  async listRecords(): Promise<RunRecord[]> {
    const all = await this.db.getAll('records');
    return all.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }
  async deleteRecord(runId: string): Promise<void> {
    await this.db.delete('records', runId);
    await this.deleteCheckpoints(runId);
    const tx = this.db.transaction('models', 'readwrite');
    for (const key of await tx.store.index('byRun').getAllKeys(runId)) await tx.store.delete(key);
    await tx.done;
  }
  async putCheckpoint(ck: ArmCheckpoint): Promise<void> {
    await this.db.put('checkpoints', { ...ck, key: `${ck.runId}#${ck.arm}` });
  }
  async getCheckpoint(runId: string, arm: number): Promise<ArmCheckpoint | null> {
    const v = await this.db.get('checkpoints', `${runId}#${arm}`);
    if (!v) return null;
    const { key: _key, ...ck } = v;
    return ck;
  }
  async deleteCheckpoints(runId: string): Promise<void> {
    const tx = this.db.transaction('checkpoints', 'readwrite');
    for (const key of await tx.store.index('byRun').getAllKeys(runId)) await tx.store.delete(key);
    await tx.done;
  }
  async putModel(m: KeptModel): Promise<void> {
    await this.db.put('models', { ...m, key: `${m.runId}#${m.arm}` });
  }
  async getModel(runId: string, arm: number): Promise<KeptModel | null> {
    const v = await this.db.get('models', `${runId}#${arm}`);
    if (!v) return null;
    const { key: _key, ...m } = v;
    return m;
  }
}
