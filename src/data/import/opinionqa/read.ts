// OpinionQA releases (Santurkar et al. 2023: Pew American Trends Panel waves) turned into
// group-conditioned preference data. Each survey group (AGE 18-29, or POLPARTY Democrat x SEX
// Female) plays a persona; each (group, question) becomes a row whose `options` carry the group's
// share of every option (and the pooled share of all the wave's respondents), whose `data` is the
// group's most chosen option and whose `original` is the pooled most chosen one.
//
// What the release needs (../shared/fixtures/opinionqa-sample/README.md, issue 15 part A):
// - the release root holds waves and other things: every wave is taken, the rest is listed as
//   skipped (layout.ts);
// - each (group, question) distribution enters once: a NONE file byte-identical to another file is
//   dropped, and a group met again (a two-attribute file's `marginals`, a NONE file holding party
//   groups) is dropped when its counts are the same, counted either way;
// - values are resolved within the file's own attributes (groups.ts), never by a search of
//   metadata.csv that would make party "Other" a religion;
// - pooled answers count each respondent once: they come from one partition of the wave's
//   respondents (one file's groups, "nan" and "Refused" included), not a sum over every file;
// - groups under a minimum size (default 30 respondents) are dropped and counted: their shares are
//   mostly noise;
// - a question key absent from info.csv is skipped and counted by key (MC_options in the data
//   files are split on commas, so they cannot stand in for info.csv's references).
import { contentHash, ContentHasher } from '../../content-hash';
import { DataFormatError } from '../../errors';
import { ATTRIBUTE_KEYS, isAttributeKey, type AttributeKey, type Attributes, type Dataset, type DataRow, type PersonaRecord } from '../../schema';
import { decodeUtf8, firstInvalidUtf8 } from '../utf8';
import { fileAttributes, groupsOf, inferAttribute, isObject, topLevelValues } from './groups';
import { releaseLayout, type OpinionQaFile, type Wave } from './layout';
import { Notes } from './notes';
import { NOT_OPINIONS, readMetadata, readQuestions, type Question } from './tables';

export const DEFAULT_MIN_GROUP_SIZE = 30;

export interface OpinionQaOptions {
  /** Groups with fewer respondents on a question (Refused dropped) are left out of it. */
  minGroupSize?: number;
}

export interface OpinionQaSummary {
  /** Wave folders taken. */
  waves: string[];
  /** Entries that are not waves (folders once, root files one by one), with the reason. */
  skipped: string[];
  /** Files inside waves that are not survey data. */
  ignoredFiles: string[];
  questions: number;
  groups: number;
  rows: number;
  duplicates: {
    /** Files dropped whole: byte-identical to another file of their wave. */
    files: string[];
    /** (group, question) distributions met again with the same counts, dropped. */
    distributions: number;
    /** Met again with different counts: the first one read is kept (one-attribute files first). */
    conflicting: number;
  };
  minGroupSize: number;
  /** (group, question) distributions under the size floor, dropped; groups left with no question. */
  smallGroups: { distributions: number; groups: number };
  /** Question keys of the data files that info.csv lacks: skipped, named "wave/key". */
  notInInfo: string[];
  /** Per wave, the file whose groups gave the pooled answers. */
  pooledFrom: Record<string, string>;
  /** Everything else skipped or repaired, in words, with counts. */
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
  CITIZEN: 'citizenship',
  MARITAL: 'marital status',
};

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

/** Files in reading order: one-attribute files, then two-attribute files, then NONE, so the copy
 * that is kept of a repeated group is the plainest one. */
function readingOrder(wave: Wave): [string, OpinionQaFile][] {
  const rank = (name: string) => {
    const n = fileAttributes(name).length;
    return n === 0 ? 9 : n;
  };
  return [...wave.data].sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

interface Accepted {
  parts: [string, string][];
  /** Opinion counts in the question's option order (Refused dropped). */
  counts: number[];
}

function sameCounts(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function top(counts: readonly number[]): number {
  return counts.reduce((best, c, i) => (c > counts[best] ? i : best), 0);
}

export async function readOpinionQa(files: readonly OpinionQaFile[], options: OpinionQaOptions = {}): Promise<{ dataset: Dataset; summary: OpinionQaSummary }> {
  const minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  if (!(minGroupSize >= 1)) throw new RangeError(`minGroupSize must be at least 1, got ${minGroupSize}`);
  const layout = releaseLayout(files);
  const notes = new Notes();
  const summary: OpinionQaSummary = {
    waves: layout.waves.map((w) => w.name),
    skipped: layout.skipped,
    ignoredFiles: layout.ignored,
    questions: 0,
    groups: 0,
    rows: 0,
    duplicates: { files: [], distributions: 0, conflicting: 0 },
    minGroupSize,
    smallGroups: { distributions: 0, groups: 0 },
    notInInfo: [],
    pooledFrom: {},
    notes: [],
  };

  // metadata.csv per wave; a wave without one borrows the values the other waves list.
  const metadata = new Map<Wave, Map<string, string[]>>();
  const union = new Map<string, string[]>();
  for (const wave of layout.waves) {
    if (!wave.metadata) continue;
    const m = await readMetadata(wave.metadata);
    metadata.set(wave, m);
    for (const [a, values] of m) union.set(a, [...new Set([...(union.get(a) ?? []), ...values])]);
  }

  const personas = new Map<string, PersonaRecord>();
  const personasWithRows = new Set<string>();
  const rows: DataRow[] = [];
  const questionIds = new Set<string>();

  for (const wave of layout.waves) {
    const questions = await readQuestions(wave.info);
    let meta = metadata.get(wave);
    if (!meta && union.size) {
      meta = union;
      notes.add(`${wave.dir}: no metadata.csv; attribute values taken from the other waves' metadata.csv`);
    } else if (!meta) notes.add(`${wave.dir}: no metadata.csv; group attributes taken from file names only`);

    const seenText = new Map<string, string>();
    const accepted = new Map<string, Map<string, Accepted>>(); // question key -> group key -> counts
    const partitions = new Map<string, Map<string, number[]>>(); // question key -> file -> all counts incl. Refused
    const missing = new Set<string>();
    const oneAttribute = new Set<string>();
    const pseudoGroups = new Set<string>();

    for (const [name, file] of readingOrder(wave)) {
      const text = await file.text();
      const twin = seenText.get(text);
      if (twin !== undefined) {
        summary.duplicates.files.push(`${file.path} (byte-identical to ${twin})`);
        continue;
      }
      seenText.set(text, file.path);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new DataFormatError({ file: file.path }, `not valid JSON (${(e as Error).message})`, 'The file may be truncated: download the release again', { cause: e });
      }
      if (!isObject(json)) throw new DataFormatError({ file: file.path }, 'expected a JSON object of questions', 'Check the file against the OpinionQA layout');
      let attrs = fileAttributes(name);
      if (attrs.length === 0) {
        const values = topLevelValues(json);
        const attr = inferAttribute(values, meta);
        if (!attr) {
          notes.add(`${file.path}: skipped: its groups (${[...values].slice(0, 6).join(', ')}) are not the values of exactly one attribute in metadata.csv`);
          continue;
        }
        notes.add(`${file.path}: a NONE file holding ${attr} groups; read as ${attr}`);
        attrs = [attr];
      }
      if (attrs.length === 1) oneAttribute.add(file.path);
      if (attrs.length > 2) {
        notes.add(`${file.path}: skipped: crosses of more than two attributes are not in the OpinionQA layout`);
        continue;
      }
      let row = 0;
      for (const [key, entry] of Object.entries(json)) {
        row++;
        if (!isObject(entry)) throw new DataFormatError({ file: file.path, row, field: key }, 'expected an object of groups', 'Check the file against the OpinionQA layout');
        const q: Question | undefined = questions.get(key);
        if (!q) {
          missing.add(key);
          continue;
        }
        const index = new Map(q.options.map((o, i) => [o, i]));
        for (const g of groupsOf(entry, attrs, meta, notes, file.path)) {
          const counts = q.options.map(() => 0);
          let refused = 0;
          for (const [opt, c] of Object.entries(g.counts)) {
            const n = typeof c === 'number' ? c : Number(c);
            if (!Number.isFinite(n) || n < 0) {
              throw new DataFormatError({ file: file.path, row, field: `${key} / ${g.parts.map((p) => p[1]).join(' / ') || '(pseudo-group)'} / ${opt}` }, `count ${JSON.stringify(c)} is not a non-negative number`, 'Check the file against the OpinionQA layout');
            }
            if (NOT_OPINIONS.has(opt)) refused += n;
            else if (index.has(opt)) counts[index.get(opt)!] += n;
            else if (n > 0) notes.add(`${file.path}: ignored counts for "${opt}", which info.csv does not offer for ${key}`);
          }
          if (!g.marginal) {
            // Every file (not its marginals) partitions the wave's respondents once.
            let byFile = partitions.get(key);
            if (!byFile) partitions.set(key, (byFile = new Map()));
            const all = byFile.get(file.path) ?? [...q.options.map(() => 0), 0];
            counts.forEach((c, i) => (all[i] += c));
            all[q.options.length] += refused;
            byFile.set(file.path, all);
          }
          if (g.pseudo) {
            for (const [, v] of g.parts) if (['nan', 'NaN', 'Refused', ''].includes(v)) pseudoGroups.add(`"${v}"`);
            continue;
          }
          if (counts.every((c) => c === 0)) {
            notes.add(`${file.path}: skipped a group with no answers`);
            continue;
          }
          const groupKey = g.parts.map(([a, v]) => `${a}=${v}`).sort().join('|');
          let byGroup = accepted.get(key);
          if (!byGroup) accepted.set(key, (byGroup = new Map()));
          const prior = byGroup.get(groupKey);
          if (prior) {
            if (sameCounts(prior.counts, counts)) summary.duplicates.distributions++;
            else {
              summary.duplicates.conflicting++;
              notes.add(`${file.path}: a group met again with different counts (kept the first read): ${groupKey.split('|').join(', ')}`);
            }
            continue;
          }
          byGroup.set(groupKey, { parts: g.parts, counts });
        }
      }
    }
    for (const key of missing) summary.notInInfo.push(`${wave.name}/${key}`);
    if (pseudoGroups.size) notes.add(`${wave.dir}: groups ${[...pseudoGroups].sort().join(' and ')} are not personas; their respondents count in the pooled answers`);

    // Rows. The pooled answers of a question: the partition (file) with the most respondents.
    const pooledFiles = new Map<string, number>();
    for (const [key, groups] of accepted) {
      const q = questions.get(key)!;
      // One-attribute files first (the plainest partition), then the most respondents, then by name.
      const total = (x: number[]) => x.reduce((s, c) => s + c, 0);
      const candidates = [...(partitions.get(key) ?? new Map<string, number[]>())].sort(
        ([a, x], [b, y]) => Number(!oneAttribute.has(a)) - Number(!oneAttribute.has(b)) || total(y) - total(x) || (a < b ? -1 : a > b ? 1 : 0),
      );
      if (!candidates.length) continue;
      const [pooledFile, pooledAll] = candidates[0];
      pooledFiles.set(pooledFile, (pooledFiles.get(pooledFile) ?? 0) + 1);
      const pooled = pooledAll.slice(0, q.options.length);
      const pooledTotal = pooled.reduce((s, c) => s + c, 0);
      const pooledTop = top(pooled);
      const questionId = `${wave.name}/${key}`;
      for (const g of groups.values()) {
        const persona = groupPersona(g.parts);
        if (!personas.has(persona.id)) personas.set(persona.id, persona);
        const n = g.counts.reduce((s, c) => s + c, 0);
        if (n < minGroupSize) {
          summary.smallGroups.distributions++;
          continue;
        }
        personasWithRows.add(persona.id);
        questionIds.add(questionId);
        const t = top(g.counts);
        const pct = (x: number) => `${Math.round(100 * x)}%`;
        rows.push({
          personaId: persona.id,
          questionId,
          instruction: q.text,
          original: q.options[pooledTop],
          data: q.options[t],
          critique: `${pct(g.counts[t] / n)} of ${persona.label} (${n} people) chose "${q.options[t]}"; of all ${pooledTotal} who answered, the most common answer was "${q.options[pooledTop]}" (${pct(pooled[pooledTop] / pooledTotal)}).`,
          questionType: `opinionqa:${wave.name}`,
          options: q.options.map((text, i) => ({ text, share: g.counts[i] / n, pooled: pooledTotal ? pooled[i] / pooledTotal : 0 })),
          groupSize: n,
        });
      }
    }
    summary.pooledFrom[wave.name] = [...pooledFiles].sort((a, b) => b[1] - a[1]).map(([f]) => f.slice(f.lastIndexOf('/') + 1)).join(', ');
  }

  summary.smallGroups.groups = [...personas.keys()].filter((id) => !personasWithRows.has(id)).length;
  const kept = [...personas.values()].filter((p) => personasWithRows.has(p.id));
  summary.questions = questionIds.size;
  summary.groups = kept.length;
  summary.rows = rows.length;
  summary.notes = notes.list();
  const waves = summary.waves;
  const dataset: Dataset = {
    id: `opinionqa-${contentId(kept, rows, minGroupSize)}`,
    name: `OpinionQA (${waves.length <= 3 ? waves.join(', ') : `${waves.length} waves: ${waves[0]} … ${waves[waves.length - 1]}`})`,
    source: 'opinionqa',
    personas: kept,
    rows,
  };
  return { dataset, summary };
}

/** The dataset's id hashes what was read (groups, questions, shares, sizes), never file paths:
 * a changed file changes it, a moved or renamed release folder does not. */
function contentId(personas: readonly PersonaRecord[], rows: readonly DataRow[], minGroupSize: number): string {
  const h = new ContentHasher().update(`min-group-size:${minGroupSize}\n`);
  for (const p of personas) h.update(`${p.id}\t${p.label}\n`);
  for (const r of rows) h.update(`${r.personaId}\t${r.questionId}\t${r.instruction}\t${r.groupSize}\t${(r.options ?? []).map((o) => `${o.text}=${o.share}/${o.pooled}`).join('\t')}\n`);
  return h.hex();
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
