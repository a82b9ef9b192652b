// What the stores of runs in the worker share (Experiments, Policies): following one run (its
// request id, its live curves by arm label, and a guard so that an event arriving after the run
// ended, or for a run another one replaced, changes nothing), the backend a resumed run keeps, and
// the saved run a view opens on.
import type { CurvePoint, RunBackend } from '../protocol/record';
import type { BackendChoice } from '../protocol/spec';

/** What a saved run keeps of its curves: one per arm, by label. */
interface WithCurves {
  arms: ReadonlyArray<{ label: string; curve: readonly CurvePoint[] }>;
}

/** Live curves with a new point: a point at or before a step already drawn replaces the points
 * from there on (a resumed arm logs again from its checkpoint), so the curve has each step once. */
export function withPoint(curve: readonly CurvePoint[], point: CurvePoint): CurvePoint[] {
  const kept = curve.length && curve[curve.length - 1].step >= point.step ? curve.filter((p) => p.step < point.step) : curve;
  return [...kept, point];
}

/** The curves a resumed run already drew (its record's arms), so the chart continues them. */
export function curvesOf(record: WithCurves | undefined): Record<string, CurvePoint[]> {
  if (!record) return {};
  return Object.fromEntries(record.arms.filter((a) => a.curve.length > 0).map((a) => [a.label, a.curve.slice()]));
}

type Running<R> = Extract<R, { kind: 'running' }>;

let requestCounter = 0;

/** One run as a store follows it: `update` patches the store's running state only while this
 * request is the one running and has not ended; `addPoint` draws a metrics point on its arm's
 * curve and returns all the curves, a fresh object for the store. */
export function followRun<R extends { kind: string }>(prefix: string, resumed: WithCurves | undefined, run: { get(): R; set(run: R): void }) {
  const requestId = `${prefix}-${Date.now().toString(36)}-${++requestCounter}`;
  const curves = curvesOf(resumed);
  let ended = false;
  return {
    requestId,
    /** The curves so far, a copy for the running state. */
    curves: () => ({ ...curves }),
    addPoint(armLabel: string, point: CurvePoint): Record<string, CurvePoint[]> {
      curves[armLabel] = withPoint(curves[armLabel] ?? [], point);
      return { ...curves };
    },
    update(patch: Partial<Running<R>>): void {
      const r = run.get();
      if (ended || r.kind !== 'running' || (r as Running<R> & { requestId: string }).requestId !== requestId) return;
      run.set({ ...r, ...patch });
    },
    /** The run finished or failed: later events change nothing. */
    end(): void {
      ended = true;
    },
  };
}

/** A resumed run keeps the backend it ran on, unless the user picked one in the selector. */
export function resumeBackend(choice: BackendChoice, record: { backend: Pick<RunBackend, 'kind'> }): BackendChoice {
  return choice === 'auto' ? record.backend.kind : choice;
}

/** The saved run a view opens on when none is picked: the newest finished one, else the newest. */
export function newestRun<T extends { status: string }>(records: readonly T[]): T | undefined {
  return [...records].reverse().find((r) => r.status === 'done') ?? records[records.length - 1];
}
