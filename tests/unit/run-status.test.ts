// Run and arm statuses in words agree: an interrupted run (saved as running, no live run) never
// shows an arm "running" or "pending" beside its "interrupted" badge.
import { describe, expect, it } from 'vitest';
import { armStatusText, resumable, runStatusText } from '../../src/ui/results/status';

describe('run and arm statuses', () => {
  it('an interrupted run: interrupted and not-started arms, resumable', () => {
    const r = { status: 'running' as const };
    expect(runStatusText(r, false)).toBe('interrupted');
    expect(armStatusText(r, { status: 'running' }, false)).toBe('interrupted');
    expect(armStatusText(r, { status: 'pending' }, false)).toBe('not started');
    expect(armStatusText(r, { status: 'done' }, false)).toBe('done');
    expect(resumable(r, false)).toBe(true);
  });

  it('the live run: running and waiting arms, not resumable', () => {
    const r = { status: 'running' as const };
    expect(runStatusText(r, true)).toBe('running');
    expect(armStatusText(r, { status: 'running' }, true)).toBe('running');
    expect(armStatusText(r, { status: 'pending' }, true)).toBe('waiting');
    expect(resumable(r, true)).toBe(false);
  });

  it('cancelled and failed runs keep their words; done runs are not resumable', () => {
    expect(armStatusText({ status: 'cancelled' }, { status: 'cancelled' }, false)).toBe('cancelled');
    expect(armStatusText({ status: 'failed' }, { status: 'pending' }, false)).toBe('not started');
    expect(resumable({ status: 'done' }, false)).toBe(false);
    expect(resumable({ status: 'cancelled' }, false)).toBe(true);
  });
});
