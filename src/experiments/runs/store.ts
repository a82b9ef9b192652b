// Where runs live between page loads: run records (the results) and each arm's latest training
// checkpoint. Three implementations share this interface: memory (tests), IndexedDB (the
// browser, ./idb-store.ts) and files (Node, ../node/file-store.ts). A record is written after
// every arm and at every checkpoint, so closing the tab mid-run loses nothing already written.
import type { RunRecord } from '../../protocol/record';
import type { LoopCheckpoint } from '../../train/loop';

/** The training loop's checkpoint of one arm of one run. */
export interface ArmCheckpoint extends LoopCheckpoint {
  runId: string;
  arm: number;
}

/** Records are Stage 1's RunRecord by default; Stage 2's policy runs keep PolicyRecords the same way. */
export interface RunStore<R extends { id: string } = RunRecord> {
  putRecord(record: R): Promise<void>;
  getRecord(runId: string): Promise<R | null>;
  listRecords(): Promise<R[]>;
  deleteRecord(runId: string): Promise<void>;
  putCheckpoint(ck: ArmCheckpoint): Promise<void>;
  getCheckpoint(runId: string, arm: number): Promise<ArmCheckpoint | null>;
  deleteCheckpoints(runId: string): Promise<void>;
}

/** Copies on the way in and out, like the real stores, so tests catch shared-state bugs. */
export class MemoryRunStore<R extends { id: string } = RunRecord> implements RunStore<R> {
  private readonly records = new Map<string, R>();
  private readonly checkpoints = new Map<string, ArmCheckpoint>();

  async putRecord(record: R): Promise<void> {
    this.records.set(record.id, structuredClone(record));
  }
  async getRecord(runId: string): Promise<R | null> {
    const r = this.records.get(runId);
    return r ? structuredClone(r) : null;
  }
  async listRecords(): Promise<R[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }
  async deleteRecord(runId: string): Promise<void> {
    this.records.delete(runId);
    await this.deleteCheckpoints(runId);
  }
  async putCheckpoint(ck: ArmCheckpoint): Promise<void> {
    this.checkpoints.set(`${ck.runId}#${ck.arm}`, structuredClone(ck));
  }
  async getCheckpoint(runId: string, arm: number): Promise<ArmCheckpoint | null> {
    const c = this.checkpoints.get(`${runId}#${arm}`);
    return c ? structuredClone(c) : null;
  }
  async deleteCheckpoints(runId: string): Promise<void> {
    for (const key of [...this.checkpoints.keys()]) if (key.startsWith(`${runId}#`)) this.checkpoints.delete(key);
  }
}
