// The Compare view's state: the loaded model, the instruction and the two personas picked from
// the built-in dataset, sampling settings, the two answers as they stream in, and the person's
// "which is better for this persona?" votes (kept here, exported as JSON). Serializable data only;
// models load and generate in the runner worker (src/worker/models.ts).
import { create } from 'zustand';
import { proxy, runner } from '../protocol/client';
import { errorMessage, type Loadable } from './loadable';
import type {
  CachedModelView,
  CompareCatalog,
  GenerateOutcome,
  ModelInfoView,
  ModelLoadProgress,
  TokenEvent,
} from '../protocol/models';
import { Rng } from '../util/rng';

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

/** Two answers: streaming (texts grow), done (with the outcome), stopped or failed. */
export type RunState =
  | { kind: 'idle' }
  | { kind: 'running'; request: RunRequest; texts: string[]; styles: Array<string | undefined>; tokens: number[] }
  | { kind: 'done'; request: RunRequest; outcome: GenerateOutcome }
  | { kind: 'error'; request: RunRequest; message: string };

export interface RunRequest extends Settings {
  instructionId: string;
  instruction: string;
  personaIds: string[];
  model: string;
}

/** One click: for persona `judgedFor`, the answer in column `preferred` is the better one. */
export interface Vote {
  at: string;
  model: string;
  instructionId: string;
  instruction: string;
  personaIds: string[];
  texts: string[];
  /** The built-in model's style lines, when it wrote them. */
  styles: Array<string | undefined>;
  judgedFor: string;
  preferred: number;
  seed: number;
  temperature: number;
  topP: number;
}

export const DEFAULT_SETTINGS: Settings = { seed: 1, temperature: 0.7, topP: 0.9, maxNewTokens: 96 };

interface CompareState {
  catalog: Loadable<CompareCatalog>;
  model: ModelState;
  cache: Loadable<CachedModelView[]>;
  instructionId: string;
  personaIds: [string, string];
  settings: Settings;
  run: RunState;
  votes: Vote[];
  loadCatalog(): Promise<void>;
  loadBuiltin(): Promise<void>;
  loadPicked(files: File[]): Promise<void>;
  loadCached(group: string): Promise<void>;
  refreshCache(): Promise<void>;
  deleteCached(group: string): Promise<void>;
  setInstruction(id: string): void;
  setPersona(column: 0 | 1, id: string): void;
  /** Picks two different personas at random, from a draw seeded by the settings' seed. */
  shufflePersonas(): void;
  setSettings(patch: Partial<Settings>): void;
  generate(): Promise<void>;
  stop(): Promise<void>;
  vote(judgedFor: string, preferred: number): void;
  clearVotes(): void;
}

/** Votes as a JSON document: what was compared, with which model and settings, and the choices. */
export function votesJson(votes: readonly Vote[]): string {
  return JSON.stringify({ kind: 'persona-lab-compare-votes', version: 1, exportedAt: new Date().toISOString(), votes }, null, 2);
}

let shuffles = 0;

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
    run: { kind: 'idle' },
    votes: [],

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

    setPersona(column, id) {
      const ids: [string, string] = [...get().personaIds];
      ids[column] = id;
      set({ personaIds: ids });
    },

    shufflePersonas() {
      const c = get().catalog;
      if (c.kind !== 'ready' || c.value.personas.length < 2) return;
      const rng = new Rng(get().settings.seed).fork(`shuffle-${shuffles++}`);
      const [a, b] = rng.shuffle(c.value.personas.map((p) => p.id)).slice(0, 2);
      set({ personaIds: [a, b] });
    },

    setSettings(patch) {
      set({ settings: { ...get().settings, ...patch } });
    },

    async generate() {
      const s = get();
      if (s.run.kind === 'running' || s.model.kind !== 'ready' || s.catalog.kind !== 'ready') return;
      const instruction = s.catalog.value.instructions.find((q) => q.id === s.instructionId);
      if (!instruction || !s.personaIds[0] || !s.personaIds[1]) return;
      const request: RunRequest = { ...s.settings, instructionId: instruction.id, instruction: instruction.text, personaIds: [...s.personaIds], model: s.model.info.name };
      const texts = request.personaIds.map(() => '');
      const tokens = request.personaIds.map(() => 0);
      const styles: Array<string | undefined> = request.personaIds.map(() => undefined);
      let finished = false;
      set({ run: { kind: 'running', request, texts, styles, tokens } });
      const onToken = (e: TokenEvent) => {
        // Token messages travel on their own port: one arriving after the reply is stale.
        if (finished) return;
        texts[e.row] = e.text;
        styles[e.row] = e.style;
        tokens[e.row] = e.tokens;
        set({ run: { kind: 'running', request, texts: [...texts], styles: [...styles], tokens: [...tokens] } });
      };
      try {
        const outcome = await runner().generateForPersonas(
          { instruction: request.instruction, personaIds: request.personaIds, seed: request.seed, temperature: request.temperature, topP: request.topP, maxNewTokens: request.maxNewTokens },
          proxy(onToken),
        );
        finished = true;
        set({ run: { kind: 'done', request, outcome } });
      } catch (e) {
        finished = true;
        set({ run: { kind: 'error', request, message: errorMessage(e) } });
      }
    },

    async stop() {
      await runner().stopGeneration();
    },

    vote(judgedFor, preferred) {
      const r = get().run;
      if (r.kind !== 'done') return;
      const q = r.request;
      const vote: Vote = {
        at: new Date().toISOString(),
        model: q.model,
        instructionId: q.instructionId,
        instruction: q.instruction,
        personaIds: q.personaIds,
        texts: r.outcome.generations.map((g) => g.text),
        styles: r.outcome.generations.map((g) => g.style),
        judgedFor,
        preferred,
        seed: q.seed,
        temperature: q.temperature,
        topP: q.topP,
      };
      // One vote per persona per generation: a second click changes the first.
      const same = (v: Vote) => v.judgedFor === judgedFor && v.seed === q.seed && v.instructionId === q.instructionId && v.texts.join('\u0000') === vote.texts.join('\u0000');
      set({ votes: [...get().votes.filter((v) => !same(v)), vote] });
    },

    clearVotes() {
      set({ votes: [] });
    },
  };
});

export const useCompareCatalog = () => useCompare((s) => s.catalog);
export const useModelState = () => useCompare((s) => s.model);
export const useCompareRun = () => useCompare((s) => s.run);
export const useVotes = () => useCompare((s) => s.votes);
export const useCompareSettings = () => useCompare((s) => s.settings);
