// Saved runs (IndexedDB, newest last): pick the ones to show and compare, resume an interrupted
// or stopped run from its checkpoint, delete one, and export the picked runs as CSV or JSON.
import { useState } from 'react';
import { backendsOf } from '../../protocol/record';
import { errorInWords } from '../../protocol/error-text';
import { useExperiments, useRecords, useRunState, useSelectedRuns } from '../../store/experiments';
import { RunProgress } from '../experiments/RunProgress';
import { OnnxProviders } from './OnnxProviders';
import { resumable, runStatusText } from './status';
import { downloadText } from '../components/download';
import { ImportJsonButton } from '../components/ImportJsonButton';

export function RunList() {
  const records = useRecords();
  const selected = useSelectedRuns();
  const run = useRunState();
  const setSelected = useExperiments((s) => s.setSelected);
  const resume = useExperiments((s) => s.resume);
  const remove = useExperiments((s) => s.deleteRecord);
  const exportRuns = useExperiments((s) => s.exportRuns);
  const importRuns = useExperiments((s) => s.importRuns);
  const [error, setError] = useState<string | null>(null);
  const liveId = run.kind === 'running' ? run.runId : null;
  if (records.kind !== 'ready') {
    return <section className="panel">{records.kind === 'error' ? <p className="exp-error">{records.message}</p> : <p className="muted">Loading saved runs…</p>}</section>;
  }
  const doExport = async (format: 'csv' | 'importance-csv' | 'json') => {
    try {
      const text = await exportRuns(selected, format);
      const stem = selected.length === 1 ? selected[0] : 'persona-lab-runs';
      downloadText(`${stem}${format === 'importance-csv' ? '-importance' : ''}.${format === 'json' ? 'json' : 'csv'}`, text, format === 'json' ? 'application/json' : 'text/csv');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const anyImportance = records.value.some((r) => selected.includes(r.id) && r.importance.length > 0);
  return (
    <section className="panel" aria-labelledby="runs-title">
      <h3 id="runs-title" className="panel__title">
        Saved runs
      </h3>
      {records.value.length === 0 ? (
        <p className="muted">
          No runs yet: run a preset in the <a href="#/experiments">Experiments view</a>; its results appear here.
        </p>
      ) : (
        <table className="table table--compact results-runs">
          <caption className="exp-visually-hidden">Saved runs; check runs to show and compare them</caption>
          <thead>
            <tr>
              <th scope="col">Show</th>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Backend</th>
              <th scope="col">Started</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {[...records.value].reverse().map((r) => {
              const live = r.id === liveId;
              const status = runStatusText(r, live);
              return (
                <tr key={r.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Show ${r.name} (${r.id})`}
                      checked={selected.includes(r.id)}
                      onChange={(e) => setSelected(e.currentTarget.checked ? [...selected, r.id] : selected.filter((id) => id !== r.id))}
                    />
                  </td>
                  <td>
                    <strong>{r.name}</strong> <span className="muted mono">{r.id}</span>
                    <br />
                    <span className="muted">
                      seed {r.seed} · {r.arms.length} arm{r.arms.length === 1 ? '' : 's'} · app {r.appVersion}
                    </span>
                  </td>
                  <td>
                    <span className={`badge${status === 'done' ? ' badge--ok' : status === 'failed' ? ' badge--danger' : ' badge--warn'}`}>{status}</span>
                    {live && run.kind === 'running' && <RunProgress progress={run.progress} resumed={run.partial?.id === r.id} />}
                    {!live && r.error && <div className="muted results-runs__error">{errorInWords(r.error.name, r.error.message)}</div>}
                  </td>
                  <td data-testid="run-backends">
                    {backendsOf(r)
                      .map((b) => (b.kind === 'webgpu' ? `WebGPU (${b.adapter ?? '?'})` : 'CPU'))
                      .join(', then ')}
                    <OnnxProviders r={r} />
                  </td>
                  <td>{new Date(r.createdAt).toLocaleString()}</td>
                  <td className="results-runs__actions">
                    {resumable(r, live) && (
                      <button type="button" className="button button--small" disabled={run.kind === 'running'} onClick={() => void resume(r.id)}>
                        Resume <span className="exp-visually-hidden">{r.name}</span>
                      </button>
                    )}
                    {!live && (
                      <button type="button" className="button button--ghost button--small" onClick={() => void remove(r.id)}>
                        Delete <span className="exp-visually-hidden">{r.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {records.value.length > 0 && selected.length === 0 && <p className="muted">Check a run's Show box to see its charts and tables.</p>}
      <div className="results-export">
        <button type="button" className="button button--ghost button--small" disabled={selected.length === 0} onClick={() => void doExport('csv')} data-testid="export-csv">
          Export CSV
        </button>
        <button type="button" className="button button--ghost button--small" disabled={selected.length === 0} onClick={() => void doExport('json')} data-testid="export-json">
          Export JSON
        </button>
        <ImportJsonButton onText={importRuns} onError={setError} />
        {anyImportance && (
          <button type="button" className="button button--ghost button--small" onClick={() => void doExport('importance-csv')}>
            Export importance CSV
          </button>
        )}
      </div>
      {error && (
        <p className="exp-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
