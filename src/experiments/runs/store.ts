// Where runs live between page loads: run records (the results), each arm's latest training
// checkpoint, and each trained arm's reward model (kept for Stage 2, which scores answers with it
// by run id; apart from the record so listing records stays small). Three implementations share this interface: memory (tests), IndexedDB (the
// browser, ./idb-store.ts) and files (Node, ../node/file-store.ts). A record is written after
// every arm and at every checkpoint, so closing the tab mid-run loses nothing already written.
import type { RunRecord } from '../../protocol/record';
import type { ExpandedArm } from '../../protocol/spec';
import type { LoopCheckpoint } from '../../train/loop';
import type { SavedBagScorer } from '../scorers/bag-scorer';

/** The training loop's checkpoint of one arm of one run. */
export interface ArmCheckpoint extends LoopCheckpoint {
  runId: string;
  arm: number;
}

/** A trained arm's reward model as a run keeps it: the weights and what rebuilds it. */
export interface KeptModel {
  runId: string;
  arm: number;
  label: string;
  /** The arm as the run expanded it (method, attribute subset, model, training). */
  spec: ExpandedArm;
  /** The dataset it was trained on (a built-in world's id names its options). */
  datasetId: string;
  model: SavedBagScorer;
}

/** Bytes a kept model takes: its tables plus its vocabularies and settings as JSON. */
export function keptModelBytes(m: KeptModel): number {
  const tables = Object.values(m.model.tensors).reduce((n, t) => n + t.byteLength, 0);
  return tables + JSON.stringify({ ...m, model: { ...m.model, tensors: {} } }).length;
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
  /** Keeps an arm's trained reward model (replacing the one kept before); deleteRecord removes it. */
  putModel(m: KeptModel): Promise<void>;
  getModel(runId: string, arm: number): Promise<KeptModel | null>;
}

/** Copies on the way in and out, like the real stores, so tests catch shared-state bugs. */
export class MemoryRunStore<R extends { id: string } = RunRecord> implements RunStore<R> {
  private readonly records = new Map<string, R>();
  private readonly checkpoints = new Map<string, ArmCheckpoint>();
  private readonly models = new Map<string, KeptModel>();

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
    for (const key of [...this.models.keys()]) if (key.startsWith(`${runId}#`)) this.models.delete(key);
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
  async putModel(m: KeptModel): Promise<void> {
    this.models.set(`${m.runId}#${m.arm}`, structuredClone(m));
  }
  async getModel(runId: string, arm: number): Promise<KeptModel | null> {
    const m = this.models.get(`${runId}#${arm}`);
    return m ? structuredClone(m) : null;
  }
}
