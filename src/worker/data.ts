// The Data view's work, in the runner worker: generating the built-in dataset, importing files,
// URLs and OpinionQA folders into the IndexedDB store (off the main thread, with progress and
// cancel), listing and deleting datasets, and statistics. Only plain data crosses to the UI.
import {
  AXES,
  DEMOGRAPHICS,
  DRIVER_ATTRIBUTES,
  DatasetStore,
  IRRELEVANT_ATTRIBUTES,
  ImportCancelledError,
  PROXY_ATTRIBUTES,
  PSYCHOGRAPHICS,
  ATTRIBUTE_KEYS,
  blobSource,
  datasetFingerprint,
  datasetStats,
  generateBuiltin,
  isBuiltin,
  readOpinionQa,
  formatOpinionQaSummary,
  storageEstimate,
  strictText,
  tastes,
  urlSource,
  type ByteSource,
  type DataRow,
  type Dataset,
  type PersonaRecord,
  type StoredDatasetMeta,
} from '../data';
import type {
  DatasetListItem,
  DatasetRef,
  DatasetSnapshot,
  FolderFile,
  ImportOutcome,
  ImportProgressView,
  PersonaView,
  RowView,
  StatsView,
  StorageInfo,
} from '../protocol/data';
import { SCIENCE_SPLIT } from '../experiments/presets';
import { DEFAULT_SPLIT } from '../data/splits';

/** The Data view's split: the spec's defaults with the science presets' cross partners, so the
 * counts and ceilings here are those a preset run reports (seed 1, the presets' seed). */
const STATS_SPLIT = { seed: DEFAULT_SPLIT.seed, unseenFraction: DEFAULT_SPLIT.unseenFraction, testFraction: DEFAULT_SPLIT.testFraction, crossPartners: SCIENCE_SPLIT.crossPartners };

let store: Promise<DatasetStore> | undefined;
function openStore(): Promise<DatasetStore> {
  store ??= DatasetStore.open().catch((e: unknown) => {
    store = undefined;
    throw e;
  });
  return store;
}

/** The most recently opened dataset, kept for persona rows and stats. */
let current: { key: string; dataset: Dataset } | undefined;
let running: AbortController | undefined;

function refKey(ref: DatasetRef): string {
  return ref.kind === 'builtin' ? `builtin:${ref.seed}:${ref.personas}` : `stored:${ref.id}`;
}

function listItem(m: StoredDatasetMeta): DatasetListItem {
  return { id: m.id, name: m.name, source: m.source, rows: m.rows, personas: m.personas, questions: m.questions, bytes: m.bytes, createdAt: m.createdAt };
}

async function datasetOf(ref: DatasetRef): Promise<Dataset> {
  const key = refKey(ref);
  if (current?.key === key) return current.dataset;
  const dataset = ref.kind === 'builtin' ? generateBuiltin({ seed: ref.seed, personas: ref.personas }) : await (await openStore()).load(ref.id);
  current = { key, dataset };
  return dataset;
}

export async function listDatasets(): Promise<DatasetListItem[]> {
  return (await (await openStore()).list()).map(listItem);
}

export async function storageInfo(): Promise<StorageInfo | undefined> {
  const e = await storageEstimate();
  return e && { usage: e.usage, quota: e.quota };
}

export async function deleteDataset(id: string): Promise<void> {
  await (await openStore()).delete(id);
  if (current?.key === `stored:${id}`) current = undefined;
}

function personaView(p: PersonaRecord, builtin: boolean): PersonaView {
  const view: PersonaView = { id: p.id, label: p.label, attributes: { ...p.attributes } as Record<string, string>, missing: [...p.missing], extra: p.extra.map(([k, v]) => [k, v]) };
  if (builtin) {
    const t = tastes(p.attributes);
    view.tastes = AXES.map((a, k) => ({ axis: a.id, pole: t[k] >= 0 ? a.positive : a.negative, value: t[k] }));
  }
  return view;
}

const KEYS = { attributeKeys: [...ATTRIBUTE_KEYS], demographics: [...DEMOGRAPHICS], psychographics: [...PSYCHOGRAPHICS] };

/** What the Data view shows. A stored dataset is not loaded whole: personas and counts only
 * (its rows can be hundreds of MB; statistics load them on request). */
export async function openDataset(ref: DatasetRef): Promise<DatasetSnapshot> {
  const t = performance.now();
  if (ref.kind === 'stored') {
    const s = await openStore();
    const meta = await s.get(ref.id);
    const personas = await s.personas(ref.id);
    return {
      ref,
      name: meta.name,
      source: meta.source,
      rows: meta.rows,
      questions: meta.questions,
      fingerprint: meta.fingerprint,
      ...KEYS,
      personas: personas.map((p) => personaView(p, false)),
      seconds: (performance.now() - t) / 1000,
    };
  }
  const ds = await datasetOf(ref);
  return {
    ref,
    name: ds.name,
    source: ds.source,
    rows: ds.rows.length,
    questions: new Set(ds.rows.map((r) => r.questionId)).size,
    fingerprint: datasetFingerprint(ds),
    ...KEYS,
    personas: ds.personas.map((p) => personaView(p, isBuiltin(ds))),
    roles: { drivers: [...DRIVER_ATTRIBUTES], proxies: [...PROXY_ATTRIBUTES], irrelevant: [...IRRELEVANT_ATTRIBUTES] },
    seconds: (performance.now() - t) / 1000,
  };
}

export async function statsOf(ref: DatasetRef): Promise<StatsView> {
  const t = performance.now();
  const { crossPartners, ...split } = STATS_SPLIT;
  const st = datasetStats(await datasetOf(ref), split, { seed: split.seed, crossPartners });
  return {
    personas: st.personas,
    rows: st.rows,
    questions: st.questions,
    pairs: st.pairs,
    conflictRate: st.conflict.rate,
    meanMinorityShare: st.conflict.meanMinorityShare,
    builtin: st.builtin && { noise: st.builtin.noise, generic: st.builtin.generic, cross: st.builtin.cross, unseen: st.builtin.unseen },
    settings: { ...STATS_SPLIT, source: 'the science presets (conditional vs marginal, losses, subsets, leave-one-out)' },
    seconds: (performance.now() - t) / 1000,
  };
}

function rowView(r: DataRow): RowView {
  return { questionId: r.questionId, questionType: r.questionType, instruction: r.instruction, original: r.original, critique: r.critique, data: r.data };
}

/** A persona's first rows: from memory when loaded, else shard by shard until found. */
export async function personaRows(ref: DatasetRef, personaId: string, limit = 5): Promise<RowView[]> {
  const out: RowView[] = [];
  if (ref.kind === 'builtin' || current?.key === refKey(ref)) {
    for (const r of (await datasetOf(ref)).rows) if (r.personaId === personaId && out.push(rowView(r)) >= limit) break;
    return out;
  }
  for await (const shard of (await openStore()).rowShards(ref.id)) {
    for (const r of shard) if (r.personaId === personaId && out.push(rowView(r)) >= limit) return out;
  }
  return out;
}

/** At most ~10 progress messages a second cross to the UI. */
function throttled(onProgress: ((p: ImportProgressView) => void) | undefined): (p: ImportProgressView) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (!onProgress || (now - last < 100 && p.bytesDone < p.bytesTotal)) return;
    last = now;
    onProgress({ file: p.file, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, rows: p.rows, rowsTotal: p.rowsTotal });
  };
}

async function exclusive<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (running) throw new Error('Another import is running. Wait for it or cancel it first.');
  running = new AbortController();
  try {
    return await body(running.signal);
  } finally {
    running = undefined;
  }
}

async function importSource(source: ByteSource, signal: AbortSignal, onProgress?: (p: ImportProgressView) => void): Promise<ImportOutcome> {
  const t = performance.now();
  const s = await openStore();
  const res = await s.importPersonaFile(source, { signal, onProgress: throttled(onProgress) });
  const summary = res.summary;
  const notes: string[] = [];
  if (summary) {
    const missing = Object.entries(summary.missingAttributes);
    if (missing.length) notes.push(`Personas missing attributes: ${missing.map(([k, n]) => `${k} (${n})`).join(', ')}`);
    if (summary.ignoredColumns.length) notes.push(`Ignored columns: ${summary.ignoredColumns.join(', ')}`);
    const unknown = Object.keys(summary.unknownKeys);
    if (unknown.length) notes.push(`Unknown persona keys kept as extra: ${unknown.join(', ')}`);
    // Read, then recognised by its rows: the same data came before in another file or format.
    if (res.reused) notes.push(`These rows are the same as the stored "${res.meta.name}" (a dataset is its rows, whatever the file format): kept once.`);
  }
  return { id: res.meta.id, name: res.meta.name, rows: res.meta.rows, personas: res.meta.personas, reused: res.reused, seconds: (performance.now() - t) / 1000, notes };
}

export function importFile(file: File, onProgress?: (p: ImportProgressView) => void): Promise<ImportOutcome> {
  return exclusive((signal) => importSource(blobSource(file, file.name), signal, onProgress));
}

export function importUrl(url: string, token: string | undefined, onProgress?: (p: ImportProgressView) => void): Promise<ImportOutcome> {
  return exclusive(async (signal) => importSource(await urlSource(url, { token: token || undefined, signal }), signal, onProgress));
}

export function importOpinionQa(files: FolderFile[]): Promise<ImportOutcome> {
  return exclusive(async (signal) => {
    const t = performance.now();
    const { dataset, summary } = await readOpinionQa(files.map((f) => ({ path: f.path, text: async () => strictText(new Uint8Array(await f.file.arrayBuffer()), f.path) })));
    if (signal.aborted) throw new ImportCancelledError(dataset.name);
    // The dataset's id hashes what was read (not paths or sizes): a re-import of the same release is recognised wherever it lies.
    const fingerprint = dataset.id;
    const res = await (await openStore()).saveDataset(dataset, fingerprint, { summary });
    return { id: res.meta.id, name: res.meta.name, rows: res.meta.rows, personas: res.meta.personas, reused: res.reused, seconds: (performance.now() - t) / 1000, notes: formatOpinionQaSummary(summary) };
  });
}

export function cancelImport(): void {
  running?.abort();
}
