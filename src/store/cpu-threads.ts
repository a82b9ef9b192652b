// The app's setting of the cpu backend's threads: kept in localStorage, sent to the runner worker
// (which owns the cpu backend), and its answer (threads now running, or why fewer) put into the
// lab store's GPU state for the panel.
import { runner } from '../protocol/client';
import { useLab } from './lab';

const KEY = 'persona-lab:cpu-threads';

export type ThreadsSetting = number | 'auto';

export function savedCpuThreads(): ThreadsSetting {
  const v = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null;
  const n = Number(v);
  return v !== null && Number.isInteger(n) && n >= 1 ? n : 'auto';
}

/** Sends the setting to the runner, saves it, and shows what runs now. */
export async function applyCpuThreads(threads: ThreadsSetting): Promise<void> {
  localStorage.setItem(KEY, String(threads));
  const cpu = await runner().setCpuThreads(threads);
  useLab.setState((s) => (s.gpu.kind === 'checking' ? {} : { gpu: { ...s.gpu, cpu } }));
}
