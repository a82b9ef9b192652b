// Node only (the CLI; never imported by browser code): runs kept as files in a folder —
// `<runId>.json` for the record, `<runId>.arm<i>.ckpt.json` for an arm's latest checkpoint,
// `<runId>.arm<i>.model.json` for a trained arm's kept reward model (Float32Arrays as base64). Writes go to a temporary file renamed into place, so a run killed
// mid-write leaves the previous version whole.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord } from '../../protocol/record';
import type { ArmCheckpoint, KeptModel, RunStore } from '../runs/store';

const F32 = '__f32__';

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array) return { [F32]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && F32 in value) {
    const buf = Buffer.from((value as Record<string, string>)[F32], 'base64');
    const out = new Float32Array(buf.byteLength / 4);
    new Uint8Array(out.buffer).set(buf);
    return out;
  }
  return value;
}

function safe(runId: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new RangeError(`Not a run id: ${JSON.stringify(runId)}`);
  return runId;
}

export class FileRunStore<R extends { id: string } = RunRecord> implements RunStore<R> {
  constructor(readonly dir: string) {}

  private async write(name: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.${name}.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify(value, replacer));
    await rename(tmp, join(this.dir, name));
  }

  private async read<T>(name: string): Promise<T | null> {
    try {
      return JSON.parse(await readFile(join(this.dir, name), 'utf8'), reviver) as T;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async putRecord(record: R): Promise<void> {
    await this.write(`${safe(record.id)}.json`, record);
  }
  async getRecord(runId: string): Promise<R | null> {
    return this.read<R>(`${safe(runId)}.json`);
  }
  async listRecords(): Promise<R[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: R[] = [];
    for (const n of names.filter((n) => n.endsWith('.json') && !n.includes('.ckpt.') && !n.includes('.model.') && !n.startsWith('.')).sort()) {
      const r = await this.read<R>(n);
      if (r) out.push(r);
    }
    return out;
  }
  async deleteRecord(runId: string): Promise<void> {
    await rm(join(this.dir, `${safe(runId)}.json`), { force: true });
    await this.deleteCheckpoints(runId);
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const n of names) if (n.startsWith(`${safe(runId)}.arm`) && n.endsWith('.model.json')) await rm(join(this.dir, n), { force: true });
  }
  async putCheckpoint(ck: ArmCheckpoint): Promise<void> {
    await this.write(`${safe(ck.runId)}.arm${ck.arm}.ckpt.json`, ck);
  }
  async getCheckpoint(runId: string, arm: number): Promise<ArmCheckpoint | null> {
    return this.read<ArmCheckpoint>(`${safe(runId)}.arm${arm}.ckpt.json`);
  }
  async deleteCheckpoints(runId: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const n of names) if (n.startsWith(`${safe(runId)}.arm`) && n.endsWith('.ckpt.json')) await rm(join(this.dir, n), { force: true });
  }
  async putModel(m: KeptModel): Promise<void> {
    await this.write(`${safe(m.runId)}.arm${m.arm}.model.json`, m);
  }
  async getModel(runId: string, arm: number): Promise<KeptModel | null> {
    return this.read<KeptModel>(`${safe(runId)}.arm${arm}.model.json`);
  }
}
