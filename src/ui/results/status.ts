// A run's and an arm's status in words, consistent with each other: a record saved as "running"
// that no live run owns was interrupted (the tab closed), and then its arms read "interrupted"
// (the one that was training) and "not started" — never "running" beside an interrupted run.
import type { ArmResult, RunRecord } from '../../protocol/record';

export type RunStatusText = 'running' | 'interrupted' | 'done' | 'failed' | 'cancelled';

export function runStatusText(r: Pick<RunRecord, 'status'>, live: boolean): RunStatusText {
  if (live) return 'running';
  return r.status === 'running' ? 'interrupted' : r.status;
}

export function armStatusText(r: Pick<RunRecord, 'status'>, arm: Pick<ArmResult, 'status'>, live: boolean): string {
  if (arm.status === 'done') return 'done';
  if (live) return arm.status === 'pending' ? 'waiting' : arm.status;
  if (arm.status === 'pending') return 'not started';
  if (arm.status === 'running') return runStatusText(r, false) === 'interrupted' ? 'interrupted' : 'stopped';
  return arm.status;
}

/** Runs that can go on from where they stopped: interrupted, cancelled or failed. */
export function resumable(r: Pick<RunRecord, 'status'>, live: boolean): boolean {
  return !live && r.status !== 'done';
}
