// The lab's app state: serializable data only (never GPU objects), read by components through the
// named selector hooks at the bottom.
import { create } from 'zustand';
import { proxy, runner } from '../protocol/client';
import type { GpuStatus, SelftestCase, SelftestOutcome } from '../protocol/gpu';
import { errorMessage } from './loadable';

export const VIEWS = ['data', 'experiments', 'results', 'policies', 'models', 'compare'] as const;
export type View = (typeof VIEWS)[number];
export type Theme = 'light' | 'dark';

export type GpuState = { kind: 'checking' } | GpuStatus;

export type SelftestState =
  | { kind: 'idle' }
  | { kind: 'running'; cases: SelftestCase[] }
  | { kind: 'done'; outcome: SelftestOutcome }
  | { kind: 'error'; message: string };

interface LabState {
  view: View;
  theme: Theme;
  gpu: GpuState;
  selftest: SelftestState;
  setView(view: View): void;
  setTheme(theme: Theme): void;
  checkGpu(): Promise<void>;
  runSelftest(): Promise<void>;
}

export function viewFromHash(hash: string): View {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : 'data';
}

function initialTheme(): Theme {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('persona-lab:theme') : null;
  if (saved === 'light' || saved === 'dark') return saved;
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const useLab = create<LabState>()((set) => ({
  view: typeof location !== 'undefined' ? viewFromHash(location.hash) : 'data',
  theme: initialTheme(),
  gpu: { kind: 'checking' },
  selftest: { kind: 'idle' },
  setView(view) {
    set({ view });
  },
  setTheme(theme) {
    localStorage.setItem('persona-lab:theme', theme);
    set({ theme });
  },
  async checkGpu() {
    set({ gpu: { kind: 'checking' } });
    try {
      set({ gpu: await runner().gpuStatus() });
    } catch (e) {
      // The worker itself failed to start (e.g. module workers unsupported): say so, don't hang.
      const reason = `The background worker could not start: ${e instanceof Error ? e.message : String(e)}`;
      set({ gpu: { kind: 'cpu', errorName: 'WorkerError', reason } });
    }
  },
  async runSelftest() {
    const cases: SelftestCase[] = [];
    // Progress comes on the callback's own message port, which is not ordered with the call's
    // reply: a late progress message must not turn a finished run back into a running one.
    let finished = false;
    set({ selftest: { kind: 'running', cases: [] } });
    try {
      const onCase = (c: SelftestCase) => {
        if (finished) return;
        cases.push(c);
        set({ selftest: { kind: 'running', cases: [...cases] } });
      };
      const outcome = await runner().runSelftest(undefined, proxy(onCase));
      finished = true;
      set({ selftest: { kind: 'done', outcome } });
    } catch (e) {
      finished = true;
      set({ selftest: { kind: 'error', message: errorMessage(e) } });
    }
  },
}));

export const useView = () => useLab((s) => s.view);
export const useTheme = () => useLab((s) => s.theme);
export const useGpuState = () => useLab((s) => s.gpu);
export const useSelftest = () => useLab((s) => s.selftest);
