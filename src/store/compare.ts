// The Compare view's shared state: the Models panel's loaded model and the model cache, the
// built-in catalog (instructions, personas), the instruction picked and the sampling settings.
// The columns, their answers and blind rating are columns.ts's. Serializable data only; models
// load and generate in the runner worker (src/worker/models.ts, columns.ts).
import { create } from 'zustand';
import { proxy, runner } from '../protocol/client';
import { errorMessage, type Loadable } from './loadable';
import type {
  CachedModelView,
  CompareCatalog,
  ModelInfoView,
  ModelLoadProgress,
} from '../protocol/models';

export type ModelState =
  | { kind: 'none' }
  | { kind: 'loading'; what: string; progress?: ModelLoadProgress }
  | { kind: 'ready'; info: ModelInfoView }
  | { kind: 'error'; what: string; message: string };

export interface Settings {
  seed: number;
  /** 0 = greedy. */
  temperature: number;
  topP: number;
  maxNewTokens: number;
}

export const DEFAULT_SETTINGS: Settings = { seed: 1, temperature: 0.7, topP: 0.9, maxNewTokens: 200 };

interface CompareState {
  catalog: Loadable<CompareCatalog>;
  model: ModelState;
  cache: Loadable<CachedModelView[]>;
  instructionId: string;
  personaIds: [string, string];
  settings: Settings;
  loadCatalog(): Promise<void>;
  loadBuiltin(): Promise<void>;
  loadPicked(files: File[]): Promise<void>;
  loadCached(group: string): Promise<void>;
  refreshCache(): Promise<void>;
  deleteCached(group: string): Promise<void>;
  setInstruction(id: string): void;
  setSettings(patch: Partial<Settings>): void;
}

export const useCompare = create<CompareState>()((set, get) => {
  async function loadWith(what: string, start: (onProgress: (p: ModelLoadProgress) => void) => Promise<ModelInfoView>): Promise<void> {
    let finished = false;
    set({ model: { kind: 'loading', what } });
    try {
      const info = await start((progress) => {
        if (!finished) set({ model: { kind: 'loading', what, progress } });
      });
      finished = true;
      set({ model: { kind: 'ready', info } });
    } catch (e) {
      finished = true;
      set({ model: { kind: 'error', what, message: errorMessage(e) } });
    }
  }

  return {
    catalog: { kind: 'idle' },
    model: { kind: 'none' },
    cache: { kind: 'idle' },
    instructionId: '',
    personaIds: ['', ''],
    settings: DEFAULT_SETTINGS,

    async loadCatalog() {
      if (get().catalog.kind === 'loading' || get().catalog.kind === 'ready') return;
      set({ catalog: { kind: 'loading' } });
      try {
        const value = await runner().compareCatalog();
        const s = get();
        // Defaults: the first instruction, and two personas whose strongest tastes differ.
        const a = value.personas[0];
        const b = value.personas.find((p) => p.tastes[0] && a.tastes[0] && p.tastes[0].pole !== a.tastes[0].pole) ?? value.personas[1];
        set({
          catalog: { kind: 'ready', value },
          instructionId: s.instructionId || value.instructions[0]?.id || '',
          personaIds: s.personaIds[0] ? s.personaIds : [a?.id ?? '', b?.id ?? ''],
        });
      } catch (e) {
        set({ catalog: { kind: 'error', message: errorMessage(e) } });
      }
    },

    loadBuiltin: () => loadWith('the built-in model', (p) => runner().loadBuiltinModel(proxy(p))),
    loadPicked: (files) => loadWith(`${files.length} picked files`, (p) => runner().loadPickedModel(files, proxy(p))),
    loadCached: (group) => loadWith(group, (p) => runner().loadCachedModel(group, proxy(p))),

    async refreshCache() {
      set({ cache: { kind: 'loading' } });
      try {
        set({ cache: { kind: 'ready', value: await runner().listCachedModels() } });
      } catch (e) {
        set({ cache: { kind: 'error', message: errorMessage(e) } });
      }
    },

    async deleteCached(group) {
      try {
        await runner().deleteCachedModel(group);
      } finally {
        await get().refreshCache();
      }
    },

    setInstruction(id) {
      set({ instructionId: id });
    },

    setSettings(patch) {
      set({ settings: { ...get().settings, ...patch } });
    },
  };
});

export const useCompareCatalog = () => useCompare((s) => s.catalog);
export const useModelState = () => useCompare((s) => s.model);
export const useCompareSettings = () => useCompare((s) => s.settings);
