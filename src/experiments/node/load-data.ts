// Node only: the data loader for the CLI — the built-in generator, a PERSONA file (parquet, JSONL,
// CSV) or an OpinionQA release folder on disk.
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { blobSource, readOpinionQa, readPersonaDataset, type Dataset } from '../../data';
import { opinionQaFilesFromFolder } from '../../data/import/opinionqa/node-files';
import { DataUnavailableError, loadBuiltin } from '../prepare';
import type { DataSpec } from '../../protocol/spec';

export async function loadDataNode(data: DataSpec): Promise<Dataset> {
  if (data.source === 'builtin') return loadBuiltin(data);
  if (data.source === 'stored') throw new DataUnavailableError('Stored (IndexedDB) datasets live in the browser; from the CLI give {"source": "path", ...}');
  const info = await stat(data.path).catch(() => null);
  if (!info) throw new DataUnavailableError(`No such file or folder: ${data.path}`);
  if (data.format === 'opinionqa') {
    if (!info.isDirectory()) throw new DataUnavailableError(`An OpinionQA release is a folder (the release root or one wave folder); ${data.path} is a file`);
    // The same reader as `data stats --opinionqa` (wave folder names kept, strict UTF-8).
    return (await readOpinionQa(await opinionQaFilesFromFolder(data.path), { minGroupSize: data.minGroupSize })).dataset;
  }
  if (!info.isFile()) throw new DataUnavailableError(`A PERSONA dataset is one file (parquet, JSONL or CSV); ${data.path} is a folder`);
  return (await readPersonaDataset(blobSource(await openAsBlob(data.path), basename(data.path)))).dataset;
}
