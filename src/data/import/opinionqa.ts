// OpinionQA-format releases (Santurkar et al. 2023: Pew American Trends Panel waves) turned into
// group-conditioned preference data. Each survey group (e.g. AGE 18-29, or POLPARTY Democrat x
// SEX Female) plays a persona; each (group, question) becomes a row whose `data` is the group's
// most chosen option, whose `original` is the most chosen option overall, and whose `options`
// carry the group's share of every option, so any pair of options can be labelled "g prefers a"
// with the share gap as strength. Quirks handled (../shared/fixtures/opinionqa-sample/README.md):
// Python-literal CSV fields, "nan"/"Refused" pseudo-groups, the "Refused" option, missing
// options, float counts, files whose name does not match their groups.
import { contentHash } from '../content-hash';
import { DataFormatError, PythonLiteralError } from '../errors';
import { ATTRIBUTE_KEYS, isAttributeKey, type AttributeKey, type Attributes, type Dataset, type DataRow, type PersonaRecord } from '../schema';
import { csvRecords } from './csv';
import { isPyDict, parsePythonLiteral, type PyValue } from './pyliteral';
import { decodeUtf8, firstInvalidUtf8 } from './utf8';

export interface OpinionQaFile {
  /** Path relative to the picked folder, e.g. "Sample_Wave_S1/info.csv". */
  path: string;
  text(): Promise<string>;
}

export interface OpinionQaSummary {
  waves: string[];
  questions: number;
  groups: number;
  rows: number;
  /** What was skipped or repaired, in words, with counts. */
  notes: string[];
}

/** OpinionQA attribute -> PERSONA attribute, where one fits. */
const ATTRIBUTE_MAP: Record<string, AttributeKey> = {
  AGE: 'age',
  SEX: 'sex',
  RACE: 'race',
  EDUCATION: 'education',
  INCOME: 'income',
  POLIDEOLOGY: 'ideology',
  POLPARTY: 'political views',
  RELIG: 'religion',
};
const NOT_GROUPS = new Set(['nan', 'Refused', 'NaN', '']);
const NOT_OPINIONS = new Set(['Refused']);
const META_KEYS = new Set(['MC_options', 'question_text']);

interface Question {
  key: string;
  text: string;
  options: string[];
}

class Notes {
  private counts = new Map<string, number>();
  add(note: string, n = 1): void {
    this.counts.set(note, (this.counts.get(note) ?? 0) + n);
  }
  list(): string[] {
    return [...this.counts].map(([note, n]) => (n > 1 ? `${note} (x${n})` : note));
  }
}

function pyField(text: string, loc: { file: string; row: number; field: string }): PyValue {
  try {
    return parsePythonLiteral(text);
  } catch (e) {
    if (e instanceof PythonLiteralError) throw new DataFormatError(loc, `not a valid Python literal: ${e.message}`, 'OpinionQA stores lists and dicts as Python literals; this one is damaged', { cause: e });
    throw e;
  }
}

function stringList(v: PyValue, loc: { file: string; row: number; field: string }): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new DataFormatError(loc, 'expected a list of strings', 'Check the file against the OpinionQA layout');
  return v as string[];
}

async function csvTable(file: OpinionQaFile): Promise<{ header: string[]; rows: { row: number; cells: Record<string, string> }[] }> {
  const bytes = new TextEncoder().encode(await file.text());
  let header: string[] | undefined;
  const rows: { row: number; cells: Record<string, string> }[] = [];
  const chunks = (async function* () {
    yield bytes;
  })();
  for await (const rec of csvRecords(chunks, { file: file.path, maxFieldBytes: 1 << 20, columnName: (i) => header?.[i] ?? `column ${i + 1}` })) {
    if (!header) {
      header = rec.fields;
      continue;
    }
    if (rec.fields.length === 1 && rec.fields[0] === '') continue;
    const cells: Record<string, string> = {};
    header.forEach((h, i) => (cells[h] = rec.fields[i] ?? ''));
    rows.push({ row: rec.row, cells });
  }
  if (!header) throw new DataFormatError({ file: file.path }, 'the file is empty', 'An OpinionQA wave needs info.csv with one row per question');
  return { header, rows };
}

function requireColumns(header: string[], needed: string[], file: string): void {
  for (const c of needed) if (!header.includes(c)) throw new DataFormatError({ file, field: c }, `missing column '${c}' (found: ${header.join(', ')})`, 'Check that this is an OpinionQA release');
}

async function readQuestions(file: OpinionQaFile): Promise<Map<string, Question>> {
  const { header, rows } = await csvTable(file);
  requireColumns(header, ['key', 'question', 'references'], file.path);
  const out = new Map<string, Question>();
  for (const { row, cells } of rows) {
    const refs = stringList(pyField(cells.references, { file: file.path, row, field: 'references' }), { file: file.path, row, field: 'references' });
    if (cells.option_mapping !== undefined && cells.option_mapping !== '') {
      const mapping = pyField(cells.option_mapping, { file: file.path, row, field: 'option_mapping' });
      if (!isPyDict(mapping)) throw new DataFormatError({ file: file.path, row, field: 'option_mapping' }, 'expected a dict', 'Check the file against the OpinionQA layout');
    }
    if (!cells.key) throw new DataFormatError({ file: file.path, row, field: 'key' }, 'value is empty', 'Every question needs a key');
    out.set(cells.key, { key: cells.key, text: cells.question, options: refs.filter((o) => !NOT_OPINIONS.has(o)) });
  }
  return out;
}

async function readMetadata(file: OpinionQaFile): Promise<Map<string, string[]>> {
  const { header, rows } = await csvTable(file);
  requireColumns(header, ['key', 'options'], file.path);
  const out = new Map<string, string[]>();
  for (const { row, cells } of rows) {
    const loc = { file: file.path, row, field: 'options' };
    out.set(cells.key, stringList(pyField(cells.options, loc), loc).map(String));
  }
  return out;
}

interface Group {
  /** [attribute, value] pairs, e.g. [['POLPARTY', 'Democrat'], ['SEX', 'Female']]. */
  parts: [string, string][];
  counts: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Walks a question's groups, one level per attribute in the file name. */
function groupsOf(entry: Record<string, unknown>, attrs: string[], notes: Notes, file: string): Group[] {
  const out: Group[] = [];
  const walk = (node: Record<string, unknown>, depth: number, parts: [string, string][]) => {
    for (const [value, child] of Object.entries(node)) {
      if (depth === 0 && META_KEYS.has(value)) continue;
      if (NOT_GROUPS.has(value)) {
        notes.add(`${file}: skipped pseudo-group "${value}"`);
        continue;
      }
      if (!isObject(child)) {
        notes.add(`${file}: skipped group "${value}" whose value is not an object`);
        continue;
      }
      const next: [string, string][] = [...parts, [attrs[depth] ?? `ATTR${depth + 1}`, value]];
      if (depth + 1 < attrs.length) walk(child, depth + 1, next);
      else out.push({ parts: next, counts: child });
    }
  };
  walk(entry, 0, []);
  return out;
}

/** Fixes the attribute of each group value using metadata.csv (file names can be wrong). */
function resolveAttribute(attr: string, value: string, metadata: Map<string, string[]>, notes: Notes, file: string): string {
  if (!metadata.size || metadata.get(attr)?.includes(value)) return attr;
  for (const [other, values] of metadata) {
    if (values.includes(value)) {
      notes.add(`${file}: group "${value}" belongs to ${other}, not ${attr} as the file name says; used ${other}`);
      return other;
    }
  }
  notes.add(`${file}: group value "${value}" is not listed in metadata.csv; kept it under ${attr}`);
  return attr;
}

function groupPersona(parts: [string, string][]): PersonaRecord {
  const label = parts.map(([a, v]) => `${a}: ${v}`).join(', ');
  const attributes: Attributes = {};
  const extra: [string, string][] = [];
  for (const [a, v] of parts) {
    const key = ATTRIBUTE_MAP[a];
    if (key && isAttributeKey(key)) attributes[key] = v;
    else extra.push([a.toLowerCase(), v]);
  }
  const missing = ATTRIBUTE_KEYS.filter((k) => attributes[k] === undefined);
  return { id: `g-${contentHash(label)}`, attributes, missing, extra, label };
}

/** Groups paths by wave folder; files outside any folder form one wave named "wave". */
function byWave(files: readonly OpinionQaFile[]): Map<string, Map<string, OpinionQaFile>> {
  const out = new Map<string, Map<string, OpinionQaFile>>();
  for (const f of files) {
    const parts = f.path.split('/').filter(Boolean);
    const name = parts[parts.length - 1];
    const wave = parts.length >= 2 ? parts[parts.length - 2] : 'wave';
    let m = out.get(wave);
    if (!m) out.set(wave, (m = new Map()));
    m.set(name, f);
  }
  return out;
}

export async function readOpinionQa(files: readonly OpinionQaFile[]): Promise<{ dataset: Dataset; summary: OpinionQaSummary }> {
  const notes = new Notes();
  const personas = new Map<string, PersonaRecord>();
  const rows: DataRow[] = [];
  const questionIds = new Set<string>();
  const waves = [...byWave(files)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (!waves.length) throw new DataFormatError({ file: '(folder)' }, 'no files were given', 'Pick an OpinionQA wave folder (with info.csv and *_data.json files)');

  for (const [wave, folder] of waves) {
    const info = folder.get('info.csv');
    if (!info) throw new DataFormatError({ file: `${wave}/info.csv` }, 'the wave folder has no info.csv', 'Pick the folder of an OpinionQA wave');
    const questions = await readQuestions(info);
    const meta = folder.get('metadata.csv');
    const metadata = meta ? await readMetadata(meta) : new Map<string, string[]>();
    if (!meta) notes.add(`${wave}: no metadata.csv; group attributes taken from file names`);
    const dataFiles = [...folder.keys()].filter((n) => n.endsWith('_data.json')).sort();
    if (!dataFiles.length) throw new DataFormatError({ file: `${wave}/` }, 'the wave folder has no *_data.json files', 'Pick the folder of an OpinionQA wave');

    // Per question: every group's counts, and the overall counts across groups.
    const perQuestion = new Map<string, { parts: [string, string][]; counts: number[] }[]>();
    const overall = new Map<string, number[]>();
    for (const name of dataFiles) {
      const file = folder.get(name)!;
      const path = file.path;
      let json: unknown;
      try {
        json = JSON.parse(await file.text());
      } catch (e) {
        throw new DataFormatError({ file: path }, `not valid JSON (${(e as Error).message})`, 'The file may be truncated: download the release again', { cause: e });
      }
      if (!isObject(json)) throw new DataFormatError({ file: path }, 'expected a JSON object of questions', 'Check the file against the OpinionQA layout');
      const attrs = name.slice(0, -'_data.json'.length).split('_').filter(Boolean);
      let row = 0;
      for (const [key, entry] of Object.entries(json)) {
        row++;
        if (!isObject(entry)) throw new DataFormatError({ file: path, row, field: key }, 'expected an object of groups', 'Check the file against the OpinionQA layout');
        let q = questions.get(key);
        if (!q) {
          const mc = entry.MC_options;
          if (!Array.isArray(mc) || typeof entry.question_text !== 'string') {
            notes.add(`${path}: skipped question ${key}, which is neither in info.csv nor self-described`);
            continue;
          }
          q = { key, text: entry.question_text, options: mc.map(String).filter((o) => !NOT_OPINIONS.has(o)) };
          questions.set(key, q);
          notes.add(`${path}: question ${key} is not in info.csv; used its MC_options`);
        }
        const option = new Map(q.options.map((o, i) => [o, i]));
        for (const g of groupsOf(entry, attrs, notes, path)) {
          const parts = g.parts.map(([a, v]) => [resolveAttribute(a, v, metadata, notes, path), v] as [string, string]);
          const counts = q.options.map(() => 0);
          for (const [opt, c] of Object.entries(g.counts)) {
            if (NOT_OPINIONS.has(opt)) continue;
            const i = option.get(opt);
            if (i === undefined) {
              notes.add(`${path}: ignored counts for an option not offered by the question`);
              continue;
            }
            const n = typeof c === 'number' ? c : Number(c);
            if (!Number.isFinite(n) || n < 0) throw new DataFormatError({ file: path, row, field: `${key} / ${parts.map((p) => p[1]).join(' / ')} / ${opt}` }, `count ${JSON.stringify(c)} is not a non-negative number`, 'Check the file against the OpinionQA layout');
            counts[i] += n;
          }
          if (counts.every((c) => c === 0)) {
            notes.add(`${path}: skipped a group with no answers`);
            continue;
          }
          let list = perQuestion.get(key);
          if (!list) perQuestion.set(key, (list = []));
          list.push({ parts, counts });
          const o = overall.get(key) ?? q.options.map(() => 0);
          counts.forEach((c, i) => (o[i] += c));
          overall.set(key, o);
        }
      }
    }

    for (const [key, groups] of perQuestion) {
      const q = questions.get(key)!;
      const questionId = `${wave}/${key}`;
      questionIds.add(questionId);
      const all = overall.get(key)!;
      const top = (counts: number[]) => counts.reduce((best, c, i) => (c > counts[best] ? i : best), 0);
      const overallTop = q.options[top(all)];
      const allTotal = all.reduce((s, c) => s + c, 0);
      for (const g of groups) {
        const persona = groupPersona(g.parts);
        if (!personas.has(persona.id)) personas.set(persona.id, persona);
        const total = g.counts.reduce((s, c) => s + c, 0);
        const t = top(g.counts);
        const pct = (x: number) => `${Math.round(100 * x)}%`;
        rows.push({
          personaId: persona.id,
          questionId,
          instruction: q.text,
          original: overallTop,
          data: q.options[t],
          critique: `${pct(g.counts[t] / total)} of ${persona.label} chose "${q.options[t]}"; overall the most common answer was "${overallTop}" (${pct(all[top(all)] / allTotal)}).`,
          questionType: `opinionqa:${wave}`,
          options: q.options.map((text, i) => ({ text, share: g.counts[i] / total })),
        });
      }
    }
  }
  const dataset: Dataset = {
    id: `opinionqa-${contentHash(files.map((f) => f.path).sort().join('|'))}`,
    name: `OpinionQA (${waves.map(([w]) => w).join(', ')})`,
    source: 'opinionqa',
    personas: [...personas.values()],
    rows,
  };
  return { dataset, summary: { waves: waves.map(([w]) => w), questions: questionIds.size, groups: personas.size, rows: rows.length, notes: notes.list() } };
}

/** Decodes a file's bytes as strict UTF-8 (an error names the file and byte). */
export function strictText(bytes: Uint8Array, path: string): string {
  const text = decodeUtf8(bytes);
  if (text === undefined) throw new DataFormatError({ file: path }, `invalid UTF-8 at byte ${firstInvalidUtf8(bytes)}`, 'Re-save the file as UTF-8');
  return text;
}

/** Files from an <input webkitdirectory> pick or a drop. */
export function opinionQaFilesFromBlobs(files: readonly File[]): OpinionQaFile[] {
  return files.map((f) => {
    const path = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    return { path, text: async () => strictText(new Uint8Array(await f.arrayBuffer()), path) };
  });
}
