// Runs that stopped before the end (the tab closed, cancelled, failed), in the Experiments view
// where a user comes back to: how far each got, where it ran, and Resume — on the backend it ran
// on, unless the selector above names another.
import { useBackendChoice, useExperiments, useRecords, useRunState } from '../../store/experiments';
import { armStatusText, resumable, runStatusText } from '../results/status';
import { ranOn } from './RunPanel';

const SHOWN = 5;

export function InterruptedRuns() {
  const records = useRecords();
  const run = useRunState();
  const backend = useBackendChoice();
  const resume = useExperiments((s) => s.resume);
  if (records.kind !== 'ready') return null;
  const liveId = run.kind === 'running' ? run.runId : null;
  const stopped = records.value.filter((r) => resumable(r, r.id === liveId)).reverse();
  if (stopped.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="stopped-title" data-testid="interrupted-runs">
      <h3 id="stopped-title" className="panel__title">
        Runs to resume
      </h3>
      <ul className="exp-stopped">
        {stopped.slice(0, SHOWN).map((r) => {
          const done = r.arms.filter((a) => a.status === 'done').length;
          const status = runStatusText(r, false);
          const where = backend === 'auto' ? r.backend.kind : backend;
          const stoppedArm = r.arms.find((a) => a.status !== 'done' && a.status !== 'pending');
          return (
            <li key={r.id}>
              <div>
                <strong>{r.name}</strong> <span className={`badge${status === 'failed' ? ' badge--danger' : ' badge--warn'}`}>{status}</span>
                <br />
                <span className="muted">
                  {done} of {r.arms.length} arms done
                  {stoppedArm ? ` · ${stoppedArm.label} ${armStatusText(r, stoppedArm, false)}${stoppedArm.curve.length ? ` at step ${stoppedArm.curve[stoppedArm.curve.length - 1].step}` : ''}` : ''} · ran on {ranOn(r)}
                </span>
              </div>
              <button type="button" className="button button--small" disabled={run.kind === 'running'} onClick={() => void resume(r.id)}>
                Resume on {where === 'cpu' ? 'the CPU' : 'WebGPU'} <span className="exp-visually-hidden">{r.name}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {stopped.length > SHOWN && (
        <p className="muted">
          {stopped.length - SHOWN} more in the <a href="#/results">Results view</a>.
        </p>
      )}
    </section>
  );
}
