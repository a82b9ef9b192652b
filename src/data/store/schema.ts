// The IndexedDB schema of the dataset cache, versioned. Version 1: `datasets` (one metadata
// record per dataset) and `shards` (rows and personas in chunks, each with a content hash).
// A migration step per version goes in `upgrade`; data written by older versions stays readable.
import type { DBSchema } from 'idb';
import type { DatasetSource } from '../schema';
import type { ShardCodec } from './codec';

export const DB_NAME = 'persona-lab-data';
export const DB_VERSION = 1;

export interface StoredDatasetMeta {
  id: string;
  name: string;
  source: DatasetSource;
  /** 'importing' until the last shard is written; such records are hidden and garbage-collected. */
  status: 'importing' | 'complete';
  /** Identity of the dataset: its rows' content for PERSONA files ("rows-…", the same from
   * JSONL, CSV or Parquet), the importer's content fingerprint otherwise. Records written before
   * content fingerprints hold the input file's size + sampled bytes here. */
  fingerprint: string;
  /** The files (size + sampled bytes, see fingerprintSource) that gave this dataset: importing
   * one of them again is recognised without reading it. */
  sourceFingerprints?: string[];
  createdAt: number;
  /** Last write during an import; stale 'importing' records are leftovers of a crash or reload. */
  updatedAt: number;
  rows: number;
  personas: number;
  questions: number;
  shards: number;
  /** Stored bytes (encoded shards). */
  bytes: number;
  /** The importer's summary (missing attributes, skipped groups, ...), JSON-safe. */
  summary?: unknown;
}

export type ShardKind = 'rows' | 'personas';

export interface StoredShard {
  datasetId: string;
  kind: ShardKind;
  index: number;
  count: number;
  /** ContentHasher hex of `data` as stored. */
  hash: string;
  /** How `data` is encoded: UTF-8 JSON of the shard's array, gzip-compressed or not. */
  codec: ShardCodec;
  data: Uint8Array;
}

export interface DataDb extends DBSchema {
  datasets: { key: string; value: StoredDatasetMeta; indexes: { byFingerprint: string } };
  shards: { key: [string, ShardKind, number]; value: StoredShard; indexes: { byDataset: string } };
}
