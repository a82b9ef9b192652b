// Trained Stage-2 policies kept in the browser: each trained arm's files (full weights or LoRA
// adapter, experiments/policy/save.ts) under `<runId>#<arm>`, in a database of their own beside the
// policy records (persona-lab-policy-runs) so that store's schema stays as it is. The Policies
// runner writes them (env.savePolicy); the Compare view's policy columns read them; deleting a
// run deletes them.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SavedPolicy } from '../experiments/policy/saved-policy';

export const POLICY_WEIGHTS_DB_NAME = 'persona-lab-policy-weights';
const VERSION = 1;

export interface StoredPolicy extends SavedPolicy {
  key: string;
  runId: string;
  arm: number;
  label: string;
  savedAt: string;
}

interface WeightsDb extends DBSchema {
  arms: { key: string; value: StoredPolicy; indexes: { byRun: string } };
}

let db: Promise<IDBPDatabase<WeightsDb>> | undefined;
function open(): Promise<IDBPDatabase<WeightsDb>> {
  db ??= openDB<WeightsDb>(POLICY_WEIGHTS_DB_NAME, VERSION, {
    upgrade(d) {
      d.createObjectStore('arms', { keyPath: 'key' }).createIndex('byRun', 'runId');
    },
  }).catch((e: unknown) => {
    db = undefined;
    throw e;
  });
  return db;
}

const keyOf = (runId: string, arm: number) => `${runId}#${arm}`;

/** env.savePolicy for the browser: returns where the policy went, for the record. */
export async function saveArmPolicy(runId: string, arm: number, label: string, saved: SavedPolicy): Promise<string> {
  const key = keyOf(runId, arm);
  await (await open()).put('arms', { key, runId, arm, label, kind: saved.kind, files: saved.files, savedAt: new Date().toISOString() });
  return `this browser (IndexedDB ${POLICY_WEIGHTS_DB_NAME}, ${key})`;
}

export async function getArmPolicy(runId: string, arm: number): Promise<StoredPolicy | null> {
  return (await (await open()).get('arms', keyOf(runId, arm))) ?? null;
}

/** The `<runId>#<arm>` keys of every kept policy (no weights read). */
export async function armPolicyKeys(): Promise<Set<string>> {
  return new Set(await (await open()).getAllKeys('arms'));
}

export async function deleteRunPolicies(runId: string): Promise<void> {
  const tx = (await open()).transaction('arms', 'readwrite');
  for (const key of await tx.store.index('byRun').getAllKeys(runId)) await tx.store.delete(key);
  await tx.done;
}
