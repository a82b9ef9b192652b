// The layout of an OpinionQA release (tatsu-lab/opinions_qa, data/human_resp/): which folders are
// survey waves and what else is there. A wave is a folder holding `*_data.json` files (with its
// info.csv and metadata.csv); everything else, a folder of disagreement questions with no
// response files, JSON files or a .DS_Store at the root, is skipped and listed, and files inside a
// wave that are not survey data (question_similarity.json) are ignored and listed.
import { DataFormatError } from '../../errors';

export interface OpinionQaFile {
  /** Path relative to the parent of the picked folder (the picked folder's name comes first, as a
   * browser's webkitRelativePath has it), e.g. "human_resp/American_Trends_Panel_W26/info.csv". */
  path: string;
  text(): Promise<string>;
}

export interface Wave {
  /** The wave folder's name (kept in question ids), e.g. "American_Trends_Panel_W26". */
  name: string;
  /** The folder's path as given, e.g. "human_resp/American_Trends_Panel_W26". */
  dir: string;
  info: OpinionQaFile;
  metadata?: OpinionQaFile;
  /** `*_data.json` files by name. */
  data: Map<string, OpinionQaFile>;
}

export interface ReleaseLayout {
  waves: Wave[];
  /** Entries that are not waves, with the reason (a folder once, not each of its files). */
  skipped: string[];
  /** Files inside waves that are not survey data. */
  ignored: string[];
}

const DATA_FILE = /_data\.json$/;

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function releaseLayout(files: readonly OpinionQaFile[]): ReleaseLayout {
  if (!files.length) throw new DataFormatError({ file: '(folder)' }, 'no files were given', 'Pick an OpinionQA release folder (data/human_resp) or one wave folder');
  const byDir = new Map<string, OpinionQaFile[]>();
  for (const f of files) {
    const path = f.path.split('\\').join('/');
    const dir = parentOf(path);
    let list = byDir.get(dir);
    if (!list) byDir.set(dir, (list = []));
    list.push({ path, text: f.text });
  }
  const waves: Wave[] = [];
  const skipped: string[] = [];
  const ignored: string[] = [];
  for (const [dir, list] of [...byDir].sort(([a], [b]) => compare(a, b))) {
    list.sort((a, b) => compare(a.path, b.path));
    const data = list.filter((f) => DATA_FILE.test(nameOf(f.path)));
    if (!data.length) {
      // A folder above other folders (the release root) has its files listed one by one; a
      // folder of its own (the disagreement questions) is listed once.
      const above = [...byDir.keys()].some((d) => d !== dir && (dir === '' || d.startsWith(`${dir}/`)));
      if (above) for (const f of list) skipped.push(`${f.path} (a file beside the wave folders)`);
      else skipped.push(`${dir}/ (${list.length} file${list.length === 1 ? '' : 's'}, no *_data.json: not a survey wave)`);
      continue;
    }
    const info = list.find((f) => nameOf(f.path) === 'info.csv');
    if (!info) throw new DataFormatError({ file: `${dir}/info.csv` }, 'this wave folder has *_data.json files but no info.csv', 'info.csv lists the questions and their options: take the wave folder whole from the release');
    const metadata = list.find((f) => nameOf(f.path) === 'metadata.csv');
    for (const f of list) if (f !== info && f !== metadata && !data.includes(f)) ignored.push(f.path);
    waves.push({ name: nameOf(dir) || 'wave', dir, info, metadata, data: new Map(data.map((f) => [nameOf(f.path), f])) });
  }
  if (!waves.length) {
    throw new DataFormatError({ file: parentOf(files[0].path) || '(folder)' }, `no survey wave here (a wave is a folder with *_data.json files and info.csv); found: ${skipped.join('; ')}`, 'Pick the release folder (data/human_resp) or one of its American_Trends_Panel_W* folders');
  }
  return { waves, skipped, ignored };
}
