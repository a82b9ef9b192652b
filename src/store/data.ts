// The Data view's state: the dataset list, the selected dataset and its personas, statistics,
// imports in progress, and the browser's storage budget. Serializable data only; the work happens
// in the runner worker (src/worker/data.ts) through the client.
import { create } from 'zustand';
import { proxy, runner } from '../protocol/client';
import { errorMessage, type Loadable } from './loadable';
import type {
  DatasetListItem,
  DatasetRef,
  DatasetSnapshot,
  FolderFile,
  ImportOutcome,
  ImportProgressView,
  RowView,
  StatsView,
  StorageInfo,
} from '../protocol/data';

export const DEFAULT_BUILTIN_REF: DatasetRef = { kind: 'builtin', seed: 1, personas: 1000 };

export type ImportState =
  | { kind: 'idle' }
  | { kind: 'running'; what: string; progress?: ImportProgressView }
  | { kind: 'done'; outcome: ImportOutcome }
  | { kind: 'cancelled'; what: string }
  | { kind: 'error'; what: string; message: string };

interface DataState {
  selected: DatasetRef;
  datasets: Loadable<DatasetListItem[]>;
  snapshot: Loadable<DatasetSnapshot>;
  stats: Loadable<StatsView>;
  import: ImportState;
  storage?: StorageInfo;
  /** undefined: not asked; true/false: the browser's answer; 'unsupported'. */
  persisted?: boolean | 'unsupported';
  refresh(): Promise<void>;
  select(ref: DatasetRef): Promise<void>;
  computeStats(): Promise<void>;
  importFile(file: File): Promise<void>;
  importUrl(url: string, token: string): Promise<void>;
  importFolder(files: FolderFile[]): Promise<void>;
  cancelImport(): Promise<void>;
  remove(id: string): Promise<void>;
  requestPersistence(): Promise<void>;
  personaRows(personaId: string): Promise<RowView[]>;
}

function sameRef(a: DatasetRef, b: DatasetRef): boolean {
  return a.kind === 'builtin' && b.kind === 'builtin' ? a.seed === b.seed && a.personas === b.personas : a.kind === 'stored' && b.kind === 'stored' && a.id === b.id;
}

export const useData = create<DataState>()((set, get) => {
  /** Runs an import in the worker with progress; late progress after the end is ignored. */
  async function runImport(what: string, start: (onProgress: (p: ImportProgressView) => void) => Promise<ImportOutcome>): Promise<void> {
    let finished = false;
    set({ import: { kind: 'running', what } });
    try {
      const outcome = await start((progress) => {
        if (!finished) set({ import: { kind: 'running', what, progress } });
      });
      finished = true;
      set({ import: { kind: 'done', outcome } });
      await get().refresh();
      await get().select({ kind: 'stored', id: outcome.id });
    } catch (e) {
      finished = true;
      if (e instanceof Error && e.name === 'ImportCancelledError') set({ import: { kind: 'cancelled', what } });
      else set({ import: { kind: 'error', what, message: errorMessage(e) } });
      await get().refresh();
    }
  }

  return {
    selected: DEFAULT_BUILTIN_REF,
    datasets: { kind: 'idle' },
    snapshot: { kind: 'idle' },
    stats: { kind: 'idle' },
    import: { kind: 'idle' },

    async refresh() {
      try {
        const [list, storage] = await Promise.all([runner().listDatasets(), runner().storageInfo()]);
        set({ datasets: { kind: 'ready', value: list }, storage });
        if (get().persisted === undefined && typeof navigator !== 'undefined' && navigator.storage?.persisted) {
          if (await navigator.storage.persisted()) set({ persisted: true });
        }
      } catch (e) {
        set({ datasets: { kind: 'error', message: errorMessage(e) } });
      }
    },

    async select(ref) {
      set({ selected: ref, snapshot: { kind: 'loading' }, stats: { kind: 'idle' } });
      try {
        const snap = await runner().openDataset(ref);
        if (sameRef(get().selected, ref)) set({ snapshot: { kind: 'ready', value: snap } });
      } catch (e) {
        if (sameRef(get().selected, ref)) set({ snapshot: { kind: 'error', message: errorMessage(e) } });
      }
    },

    async computeStats() {
      const ref = get().selected;
      set({ stats: { kind: 'loading' } });
      try {
        const st = await runner().statsOf(ref);
        if (sameRef(get().selected, ref)) set({ stats: { kind: 'ready', value: st } });
      } catch (e) {
        if (sameRef(get().selected, ref)) set({ stats: { kind: 'error', message: errorMessage(e) } });
      }
    },

    importFile(file) {
      return runImport(file.name, (onProgress) => runner().importFile(file, proxy(onProgress)));
    },

    importUrl(url, token) {
      return runImport(url, (onProgress) => runner().importUrl(url, token || undefined, proxy(onProgress)));
    },

    importFolder(files) {
      const folder = files[0]?.path.split('/')[0] ?? 'folder';
      return runImport(folder, () => runner().importOpinionQa(files));
    },

    async cancelImport() {
      await runner().cancelImport();
    },

    async remove(id) {
      await runner().deleteDataset(id);
      const sel = get().selected;
      if (sel.kind === 'stored' && sel.id === id) await get().select(DEFAULT_BUILTIN_REF);
      await get().refresh();
    },

    async requestPersistence() {
      // StorageManager.persist() exists on the main thread only (not in workers).
      if (typeof navigator === 'undefined' || !navigator.storage?.persist) {
        set({ persisted: 'unsupported' });
        return;
      }
      set({ persisted: await navigator.storage.persist() });
    },

    personaRows(personaId) {
      return runner().personaRows(get().selected, personaId);
    },
  };
});

export const useSelectedDataset = () => useData((s) => s.selected);
export const useDatasetList = () => useData((s) => s.datasets);
export const useSnapshot = () => useData((s) => s.snapshot);
export const useDataStats = () => useData((s) => s.stats);
export const useImportState = () => useData((s) => s.import);
export const useStorageInfo = () => useData((s) => s.storage);
export const usePersisted = () => useData((s) => s.persisted);
