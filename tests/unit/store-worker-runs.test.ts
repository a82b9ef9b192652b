// What the Experiments and Policies stores share about a run in the worker: following it (events
// after its end or for a replaced request change nothing), the newest of overlapping requests
// wins, a resumed run keeps its backend, and the saved run a view opens on.
import { describe, expect, it } from 'vitest';
import type { CurvePoint } from '../../src/protocol/record';
import { latestRequest } from '../../src/store/latest-request';
import { followRun, newestRun, resumeBackend } from '../../src/store/worker-runs';

const pt = (step: number): CurvePoint => ({ step, epoch: step / 10, loss: 1 / step });

type Run = { kind: 'idle' } | { kind: 'running'; requestId: string; runId: string | null; curves: Record<string, CurvePoint[]> } | { kind: 'error'; message: string };

function storeOf(initial: Run) {
  let run = initial;
  return { get: () => run, set: (r: Run) => void (run = r) };
}

describe('following a run', () => {
  it('patches the running state of its own request only, and nothing after its end', () => {
    const store = storeOf({ kind: 'idle' });
    const live = followRun<Run>('req', undefined, store);
    expect(live.requestId).toMatch(/^req-/);
    expect(followRun<Run>('req', undefined, store).requestId).not.toBe(live.requestId);
    live.update({ runId: 'early' });
    expect(store.get()).toEqual({ kind: 'idle' });
    store.set({ kind: 'running', requestId: live.requestId, runId: null, curves: live.curves() });
    live.update({ runId: 'r1' });
    expect(store.get()).toMatchObject({ kind: 'running', runId: 'r1' });
    // Another request took over the panel: this one's late events change nothing.
    store.set({ kind: 'running', requestId: 'other', runId: null, curves: {} });
    live.update({ runId: 'r1' });
    expect(store.get()).toMatchObject({ runId: null });
    store.set({ kind: 'running', requestId: live.requestId, runId: 'r1', curves: {} });
    live.end();
    live.update({ runId: 'after' });
    expect(store.get()).toMatchObject({ runId: 'r1' });
  });

  it("continues a resumed record's curves and hands the store a fresh object per point", () => {
    const live = followRun<Run>('policy-req', { arms: [{ label: 'a', curve: [pt(5), pt(10)] }, { label: 'b', curve: [] }] }, storeOf({ kind: 'idle' }));
    const first = live.curves();
    expect(first).toEqual({ a: [pt(5), pt(10)] });
    const next = live.addPoint('a', pt(15));
    expect(next).not.toBe(first);
    expect(next.a.map((p) => p.step)).toEqual([5, 10, 15]);
    expect(first.a.map((p) => p.step)).toEqual([5, 10]);
    expect(live.addPoint('b', pt(1)).b).toEqual([pt(1)]);
  });
});

describe('overlapping requests', () => {
  it('only the newest is the latest', () => {
    const next = latestRequest();
    const a = next();
    expect(a()).toBe(true);
    const b = next();
    expect(a()).toBe(false);
    expect(b()).toBe(true);
    // Each store has its own sequence.
    latestRequest()();
    expect(b()).toBe(true);
  });
});

describe('saved runs', () => {
  it('a resumed run keeps the backend it ran on unless one is picked', () => {
    expect(resumeBackend('auto', { backend: { kind: 'cpu' } })).toBe('cpu');
    expect(resumeBackend('auto', { backend: { kind: 'webgpu' } })).toBe('webgpu');
    expect(resumeBackend('webgpu', { backend: { kind: 'cpu' } })).toBe('webgpu');
  });

  it('a view opens on the newest finished run, else the newest', () => {
    expect(newestRun([{ id: 1, status: 'done' }, { id: 2, status: 'done' }, { id: 3, status: 'failed' }])?.id).toBe(2);
    expect(newestRun([{ id: 1, status: 'cancelled' }, { id: 2, status: 'failed' }])?.id).toBe(2);
    expect(newestRun([])).toBeUndefined();
  });
});
