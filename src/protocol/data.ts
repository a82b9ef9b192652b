// Messages between the Data view and the runner worker about datasets: plain, structured-
// cloneable data only. The worker builds these from src/data; the UI and store never import
// src/data (layers), so the shapes are declared here and the worker's compiler checks it fills them.

export type DatasetSourceKind = 'builtin' | 'persona-file' | 'opinionqa';

/** Which dataset: the built-in one (generated from a seed) or one stored in IndexedDB. */
export type DatasetRef = { kind: 'builtin'; seed: number; personas: number } | { kind: 'stored'; id: string };

export interface DatasetListItem {
  id: string;
  name: string;
  source: DatasetSourceKind;
  rows: number;
  personas: number;
  questions: number;
  /** Bytes stored (compressed shards). */
  bytes: number;
  createdAt: number;
}

export interface StorageInfo {
  usage: number;
  quota: number;
}

export interface TasteView {
  axis: string;
  /** The pole this persona leans to, in words ("a formal tone"). */
  pole: string;
  /** Standardized taste: sign gives the pole, size the strength. */
  value: number;
}

export interface PersonaView {
  id: string;
  label: string;
  attributes: Record<string, string>;
  missing: string[];
  extra: [string, string][];
  /** Built-in personas only: the planted tastes. */
  tastes?: TasteView[];
}

export interface CeilingView {
  pairs: number;
  bayesExpected: number;
  bayesRealized: number;
  blind: number;
}

export interface StatsView {
  personas: number;
  rows: number;
  questions: number;
  pairs: { train: { generic: number; cross: number }; test: { generic: number; cross: number; unseen: number } };
  conflictRate: number;
  meanMinorityShare: number;
  builtin?: { noise: number; generic: CeilingView; cross: CeilingView; unseen: CeilingView };
  /** The split the numbers are for (an experiment with other split settings gets other numbers). */
  settings: SplitSettingsView;
  seconds: number;
}

export interface SplitSettingsView {
  seed: number;
  unseenFraction: number;
  testFraction: number;
  crossPartners: number;
  /** Whose settings these are, in words. */
  source: string;
}

export interface DatasetSnapshot {
  ref: DatasetRef;
  name: string;
  source: DatasetSourceKind;
  rows: number;
  questions: number;
  /** Content hash of the rows in PERSONA's schema ("same seed, same bytes"). */
  fingerprint: string;
  attributeKeys: string[];
  demographics: string[];
  psychographics: string[];
  personas: PersonaView[];
  /** Built-in only: which attributes drive preferences, which are proxies, which are irrelevant. */
  roles?: { drivers: string[]; proxies: string[]; irrelevant: string[] };
  /** Seconds to generate or load. */
  seconds: number;
}

export interface RowView {
  questionId: string;
  questionType: string;
  instruction: string;
  original: string;
  critique: string;
  data: string;
}

export interface ImportProgressView {
  file: string;
  bytesDone: number;
  bytesTotal: number;
  rows: number;
  rowsTotal?: number;
}

export interface ImportOutcome {
  id: string;
  name: string;
  rows: number;
  personas: number;
  /** The same file was already stored; nothing was imported. */
  reused: boolean;
  seconds: number;
  notes: string[];
}

/** A file of a picked OpinionQA folder with its path inside the folder. */
export interface FolderFile {
  path: string;
  file: File;
}
