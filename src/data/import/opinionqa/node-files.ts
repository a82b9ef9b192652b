// Node only: the one reader of an OpinionQA folder on disk, for `data stats --opinionqa` and for
// `experiment run` with a `path` source alike. Like a browser's folder pick, paths start with the
// picked folder's own name (relative to its parent), so a single wave folder keeps its name in
// question ids and messages; every file is listed (the layout decides what is skipped) and read
// as strict UTF-8 only when used, an error naming the file and the byte offset.
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { DataFormatError } from '../../errors';
import type { OpinionQaFile } from './layout';
import { strictText } from './read';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}

export async function opinionQaFilesFromFolder(dir: string): Promise<OpinionQaFile[]> {
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) throw new DataFormatError({ file: dir }, 'not a folder', 'Give the release folder (data/human_resp) or one of its wave folders');
  const base = dirname(dir.replace(/[\\/]+$/, ''));
  return (await walk(dir)).map((p) => {
    const path = relative(base, p).split(sep).join('/');
    return { path, text: async () => strictText(await readFile(p), path) };
  });
}
