// The generalised Compare view's state: its columns (a model or policy, by id, and a persona),
// the Stage-1 reward model that scores the answers (none by default), samples per column, the answers as they stream and when done, and blind rating: the queue of
// rating items, the vote on the shown item, the rater's name, and the pooled votes (import report,
// aggregation). Serializable data only; generation and the votes' IndexedDB live in the worker
// (src/worker/columns.ts, rating.ts). The instruction and sampling settings are compare.ts's.
import { create } from 'zustand';
import { proxy, runner } from '../protocol/client';
import type { AggregateView, ColumnAnswer, ColumnsOutcome, ColumnsRequest, ColumnSpec, ColumnTokenEvent, ImportReport, ModelOption, RatingItem, RewardModelOption, VoteChoice } from '../protocol/rating';
import { useCompare } from './compare';
import { errorMessage, type Loadable } from './loadable';

export type ColumnsRun =
  | { kind: 'idle' }
  | { kind: 'running'; request: ColumnsRequest; answers: ColumnAnswer[]; purpose: 'compare' | 'rate' }
  | { kind: 'done'; request: ColumnsRequest; outcome: ColumnsOutcome }
  | { kind: 'error'; request: ColumnsRequest; message: string };

export type CompareMode = 'side' | 'blind';

export interface PoolState {
  busy: boolean;
  report?: ImportReport;
  error?: string;
  aggregate?: AggregateView;
}

interface ColumnsState {
  options: Loadable<ModelOption[]>;
  rewardModels: Loadable<RewardModelOption[]>;
  /** The Stage-1 run whose reward model scores answers ('' = none). */
  rewardModelRun: string;
  setRewardModel(ref: string): void;
  columns: ColumnSpec[];
  samples: number;
  mode: CompareMode;
  run: ColumnsRun;
  rater: string;
  queue: RatingItem[];
  position: number;
  /** Votes cast in this session, by item id (shown items reveal once voted). */
  voted: Record<string, VoteChoice>;
  voteError?: string;
  pool: PoolState;
  loadOptions(): Promise<void>;
  setColumn(i: number, patch: Partial<ColumnSpec>): void;
  addColumn(): void;
  removeColumn(i: number): void;
  /** Same persona in every column: the base model against the trained one. */
  sameBaseVsTrained(personaId: string): void;
  /** One model, two personas. */
  twoPersonas(modelId: string, a: string, b: string): void;
  setSamples(n: number): void;
  setMode(m: CompareMode): void;
  setRater(name: string): void;
  generate(purpose?: 'compare' | 'rate'): Promise<void>;
  stop(): Promise<void>;
  vote(choice: VoteChoice): Promise<void>;
  next(): void;
  exportVotes(): Promise<string>;
  importFiles(files: ReadonlyArray<{ name: string; text: string }>): Promise<void>;
  refreshAggregate(): Promise<void>;
}

/** The base and trained ids to compare: the persona-blind policy when shipped, else the built-in
 * model shown no persona; the newest trained Stage-2 policy as the trained side, else the built-in
 * persona-reading model. */
export function baseAndTrained(options: readonly ModelOption[]): [string, string] {
  const ok = (id: string) => options.some((o) => o.id === id && o.available);
  const trained = options.find((o) => o.available && o.id.startsWith('policy:'))?.id ?? 'builtin';
  return [ok('builtin-policy') ? 'builtin-policy' : 'builtin:blind', trained];
}

export const useColumns = create<ColumnsState>()((set, get) => {
  function request(): ColumnsRequest | null {
    const c = useCompare.getState();
    if (c.catalog.kind !== 'ready' || !c.instructionId) return null;
    const { seed, temperature, topP, maxNewTokens } = c.settings;
    const rewardModelRun = get().rewardModelRun || undefined;
    return { instructionId: c.instructionId, columns: get().columns, samples: get().samples, seed, temperature, topP, maxNewTokens, ...(rewardModelRun ? { rewardModelRun } : {}) };
  }

  return {
    options: { kind: 'idle' },
    rewardModels: { kind: 'idle' },
    rewardModelRun: '',
    columns: [],
    samples: 1,
    mode: 'side',
    run: { kind: 'idle' },
    rater: '',
    queue: [],
    position: 0,
    voted: {},
    pool: { busy: false },

    setRewardModel(ref) {
      set({ rewardModelRun: ref });
    },

    async loadOptions() {
      set({ options: { kind: 'loading' } });
      runner()
        .rewardModelOptions()
        .then((value) => {
          set({ rewardModels: { kind: 'ready', value } });
          if (get().rewardModelRun && !value.some((o) => o.ref === get().rewardModelRun && o.available)) set({ rewardModelRun: '' });
        })
        .catch((e: unknown) => set({ rewardModels: { kind: 'error', message: errorMessage(e) } }));
      try {
        const value = await runner().columnModels();
        set({ options: { kind: 'ready', value } });
        const c = useCompare.getState();
        if (get().columns.length === 0 && c.catalog.kind === 'ready') {
          const [base, trained] = baseAndTrained(value);
          const p = c.personaIds[0] || c.catalog.value.personas[0]?.id || '';
          set({ columns: [{ modelId: base, personaId: p }, { modelId: trained, personaId: p }] });
        }
      } catch (e) {
        set({ options: { kind: 'error', message: errorMessage(e) } });
      }
    },

    setColumn(i, patch) {
      set({ columns: get().columns.map((c, k) => (k === i ? { ...c, ...patch } : c)) });
    },
    addColumn() {
      const cs = get().columns;
      const last = cs.at(-1);
      if (last && cs.length < 6) set({ columns: [...cs, { ...last }] });
    },
    removeColumn(i) {
      if (get().columns.length > 1) set({ columns: get().columns.filter((_, k) => k !== i) });
    },
    sameBaseVsTrained(personaId) {
      const o = get().options;
      const [base, trained] = baseAndTrained(o.kind === 'ready' ? o.value : []);
      set({ columns: [{ modelId: base, personaId }, { modelId: trained, personaId }] });
    },
    twoPersonas(modelId, a, b) {
      set({ columns: [{ modelId, personaId: a }, { modelId, personaId: b }] });
    },
    setSamples(n) {
      set({ samples: n });
    },
    setMode(m) {
      set({ mode: m });
      if (m === 'blind') void get().refreshAggregate();
    },
    setRater(name) {
      set({ rater: name });
    },

    async generate(purpose = 'compare') {
      const req = request();
      if (!req || get().run.kind === 'running') return;
      const answers: ColumnAnswer[] = [];
      let finished = false;
      set({ run: { kind: 'running', request: req, answers, purpose } });
      const onToken = (e: ColumnTokenEvent) => {
        if (finished) return;
        const i = answers.findIndex((a) => a.column === e.column && a.sample === e.sample);
        const a: ColumnAnswer = { column: e.column, sample: e.sample, text: e.text, style: e.style, tokens: e.tokens, stopReason: '' };
        if (i < 0) answers.push(a);
        else answers[i] = a;
        set({ run: { kind: 'running', request: req, answers: [...answers], purpose } });
      };
      try {
        const outcome = await runner().generateColumns(req, proxy(onToken));
        finished = true;
        set({ run: { kind: 'done', request: req, outcome } });
        if (purpose === 'rate') {
          const items = await runner().blindItems(req, outcome);
          // A pair is asked once: not again when the same answers come back (the same sample
          // twice, or a pair already voted on or still queued).
          const pending = get().queue.slice(get().position);
          const seen = new Set([...Object.keys(get().voted), ...pending.map((i) => i.id)]);
          const fresh = items.filter((i) => !seen.has(i.id) && (seen.add(i.id), true));
          set({ queue: [...pending, ...fresh], position: 0 });
        }
      } catch (e) {
        finished = true;
        set({ run: { kind: 'error', request: req, message: errorMessage(e) } });
      }
    },

    async stop() {
      await runner().stopColumns();
    },

    async vote(choice) {
      const item = get().queue[get().position];
      if (!item || item.id in get().voted) return;
      try {
        await runner().castVote(item.id, choice, get().rater);
        set({ voted: { ...get().voted, [item.id]: choice }, voteError: undefined });
        void get().refreshAggregate();
      } catch (e) {
        set({ voteError: `The vote was not saved: ${errorMessage(e)}` });
      }
    },

    next() {
      const { position, queue } = get();
      if (position < queue.length) set({ position: position + 1 });
    },

    exportVotes: () => runner().exportVotes(),

    async importFiles(files) {
      set({ pool: { ...get().pool, busy: true, error: undefined } });
      try {
        const report = await runner().importVotes(files);
        set({ pool: { ...get().pool, busy: false, report } });
        await get().refreshAggregate();
      } catch (e) {
        set({ pool: { ...get().pool, busy: false, error: errorMessage(e) } });
      }
    },

    async refreshAggregate() {
      try {
        const aggregate = await runner().aggregateVotes();
        set({ pool: { ...get().pool, aggregate } });
      } catch (e) {
        set({ pool: { ...get().pool, error: errorMessage(e) } });
      }
    },
  };
});

export const useColumnOptions = () => useColumns((s) => s.options);
export const useRewardModels = () => useColumns((s) => s.rewardModels);
export const useRewardModelRun = () => useColumns((s) => s.rewardModelRun);
export const useColumnSpecs = () => useColumns((s) => s.columns);
export const useColumnsRun = () => useColumns((s) => s.run);
export const useCompareMode = () => useColumns((s) => s.mode);
export const usePool = () => useColumns((s) => s.pool);
