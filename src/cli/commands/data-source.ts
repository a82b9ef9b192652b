// How the data CLI commands open their inputs in Node: `--builtin`, a PERSONA file (parquet,
// JSONL, CSV; read lazily through fs.openAsBlob so large files are not loaded whole), or an
// OpinionQA release folder (one wave folder or a folder of wave folders).
import { openAsBlob } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { blobSource, generateBuiltin, readOpinionQa, readPersonaDataset, strictText, type Dataset, type OpinionQaFile } from '../../data';
import { parseSkewText, SkewTextError } from '../../data/builtin/skew';
import { UsageError } from '../command';

export async function fileSource(path: string) {
  const blob = await openAsBlob(path);
  return blobSource(blob, basename(path));
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else if (entry.name.endsWith('.csv') || entry.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

export async function opinionQaFiles(dir: string): Promise<OpinionQaFile[]> {
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) throw new UsageError(`--opinionqa needs a folder, got ${dir}`);
  // Paths keep the wave folder name: relative to the parent of the folder given.
  const base = dirname(dir.replace(/\/+$/, ''));
  return (await walk(dir)).map((p) => ({ path: relative(base, p), text: async () => strictText(await readFile(p), relative(base, p)) }));
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
    const { dataset, summary } = await readOpinionQa(await opinionQaFiles(flags.opinionqa));
    return { dataset, summary };
  }
  throw new UsageError('--file and --opinionqa need a path');
}
