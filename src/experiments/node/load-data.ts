// Node only: the data loader for the CLI — the built-in generator, a PERSONA file (parquet, JSONL,
// CSV) or an OpinionQA release folder on disk.
import { openAsBlob } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { blobSource, readOpinionQa, readPersonaDataset, type Dataset, type OpinionQaFile } from '../../data';
import { DataUnavailableError, loadBuiltin } from '../prepare';
import type { DataSpec } from '../../protocol/spec';

async function filesUnder(root: string, dir = root): Promise<OpinionQaFile[]> {
  const out: OpinionQaFile[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(root, full)));
    // Only the release's data files (a README beside the wave folders is not a wave).
    else if (e.isFile() && /\.(csv|json)$/i.test(e.name)) out.push({ path: relative(root, full).split('\\').join('/'), text: () => readFile(full, 'utf8') });
  }
  return out;
}

export async function loadDataNode(data: DataSpec): Promise<Dataset> {
  if (data.source === 'builtin') return loadBuiltin(data);
  if (data.source === 'stored') throw new DataUnavailableError('Stored (IndexedDB) datasets live in the browser; from the CLI give {"source": "path", ...}');
  const info = await stat(data.path).catch(() => null);
  if (!info) throw new DataUnavailableError(`No such file or folder: ${data.path}`);
  if (data.format === 'opinionqa') {
    if (!info.isDirectory()) throw new DataUnavailableError(`An OpinionQA release is a folder of wave folders; ${data.path} is a file`);
    return (await readOpinionQa(await filesUnder(data.path))).dataset;
  }
  if (!info.isFile()) throw new DataUnavailableError(`A PERSONA dataset is one file (parquet, JSONL or CSV); ${data.path} is a folder`);
  return (await readPersonaDataset(blobSource(await openAsBlob(data.path), basename(data.path)))).dataset;
}
