// The browser's storage budget: how much is used, how much is allowed, and asking for persistent
// storage (so the browser does not evict cached datasets under pressure). Absent in Node.

export interface StorageEstimateInfo {
  usage: number;
  quota: number;
  persisted: boolean | undefined;
}

function storageManager(): StorageManager | undefined {
  return typeof navigator !== 'undefined' && navigator.storage && typeof navigator.storage.estimate === 'function' ? navigator.storage : undefined;
}

export async function storageEstimate(): Promise<StorageEstimateInfo | undefined> {
  const sm = storageManager();
  if (!sm) return undefined;
  const e = await sm.estimate();
  const persisted = typeof sm.persisted === 'function' ? await sm.persisted() : undefined;
  return { usage: e.usage ?? 0, quota: e.quota ?? 0, persisted };
}

/** Asks for persistent storage; true when granted, undefined where unsupported. */
export async function requestPersistentStorage(): Promise<boolean | undefined> {
  const sm = storageManager();
  if (!sm || typeof sm.persist !== 'function') return undefined;
  return sm.persist();
}
