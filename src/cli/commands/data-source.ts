// How the data CLI commands open their inputs in Node: `--builtin`, a PERSONA file (parquet,
// JSONL, CSV; read lazily through fs.openAsBlob so large files are not loaded whole), or an
// OpinionQA release folder (the release root, or one wave folder), read by the same reader as
// `experiment run` uses for a path source.
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { blobSource, generateBuiltin, readOpinionQa, readPersonaDataset, type Dataset, type OpinionQaSummary } from '../../data';
import { opinionQaFilesFromFolder } from '../../data/import/opinionqa/node-files';
import { parseSkewText, SkewTextError } from '../../data/builtin/skew';
import { UsageError } from '../command';

export async function fileSource(path: string) {
  const blob = await openAsBlob(path);
  return blobSource(blob, basename(path));
}

export async function opinionQaFiles(dir: string) {
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) throw new UsageError(`--opinionqa needs a folder, got ${dir}`);
  return opinionQaFilesFromFolder(dir);
}

/** `--skew formality=0.7,religious=0.7` (skewed axes of the built-in world, src/data/builtin/skew.ts). */
function skewFromFlag(value: string | true) {
  if (value === true) throw new UsageError('--skew needs axis=share pairs, e.g. --skew formality=0.7,religious=0.7');
  try {
    return parseSkewText(value);
  } catch (e) {
    throw e instanceof SkewTextError ? new UsageError(`--${e.message}`) : e;
  }
}

export interface LoadedDataset {
  dataset: Dataset;
  /** The importer's report, when there is one. */
  summary?: unknown;
  /** An OpinionQA release's import report. */
  opinionqa?: OpinionQaSummary;
}

export async function loadDatasetFromFlags(flags: Record<string, string | true>): Promise<LoadedDataset> {
  const chosen = ['builtin', 'file', 'opinionqa'].filter((k) => flags[k] !== undefined);
  if (chosen.length !== 1) throw new UsageError('choose exactly one of --builtin, --file F, --opinionqa DIR');
  if (flags.builtin) {
    const num = (name: string, fallback?: number) => {
      const v = flags[name];
      if (v === undefined) return fallback;
      const n = Number(v);
      if (v === true || !Number.isFinite(n)) throw new UsageError(`--${name} needs a number`);
      return n;
    };
    const skew = flags.skew === undefined ? undefined : skewFromFlag(flags.skew);
    return { dataset: generateBuiltin({ seed: num('seed', 1), personas: num('personas', 1000), noise: num('noise'), questionsPerPersona: num('questions-per-persona'), skew }) };
  }
  if (typeof flags.file === 'string') {
    const { dataset, summary } = await readPersonaDataset(await fileSource(flags.file));
    return { dataset, summary };
  }
  if (typeof flags.opinionqa === 'string') {
    const min = flags['min-group'];
    const minGroupSize = min === undefined ? undefined : Number(min);
    if (minGroupSize !== undefined && !(Number.isInteger(minGroupSize) && minGroupSize >= 1)) throw new UsageError('--min-group needs a whole number of respondents, 1 or more');
    const { dataset, summary } = await readOpinionQa(await opinionQaFiles(flags.opinionqa), { minGroupSize });
    return { dataset, summary, opinionqa: summary };
  }
  throw new UsageError('--file and --opinionqa need a path');
}
