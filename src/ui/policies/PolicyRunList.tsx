// Saved policy runs (IndexedDB, newest last): show one's results, resume a stopped or interrupted
// run from its last checkpoint (a reload while running leaves it "running" in the store), delete
// one, export one as CSV (the judges' table) or JSON (the whole record), and import records (the
// CLI's runs/policy/ID.json, or this list's JSON) to read a headless sweep in the app's charts.
import { useState } from 'react';
import { resumable, usePolicies } from '../../store/policies';
import { policyStatusText } from './PolicyResults';
import { TrlExportButton } from '../results/TrlPanel';
import { downloadText } from '../components/download';
import { ImportJsonButton } from '../components/ImportJsonButton';

export function PolicyRunList() {
  const records = usePolicies((s) => s.records);
  const shown = usePolicies((s) => s.shown);
  const run = usePolicies((s) => s.run);
  const show = usePolicies((s) => s.show);
  const resume = usePolicies((s) => s.resume);
  const remove = usePolicies((s) => s.deleteRecord);
  const exportRun = usePolicies((s) => s.exportRun);
  const importRecords = usePolicies((s) => s.importRecords);
  const [error, setError] = useState<string | null>(null);
  const running = run.kind === 'running';
  const activeId = running ? run.runId : null;
  const doExport = async (id: string, name: string, format: 'csv' | 'json') => {
    try {
      setError(null);
      downloadText(
        `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}-${id}.${format}`,
        await exportRun(id, format),
        format === 'json' ? 'application/json' : 'text/csv',
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="panel" aria-labelledby="policy-runs-title">
      <h3 id="policy-runs-title" className="panel__title">
        Saved policy runs
      </h3>
      {records.kind === 'loading' && <p className="muted">Loading saved runs…</p>}
      {records.kind === 'error' && (
        <p className="exp-error" role="alert">
          {records.message}
        </p>
      )}
      {records.kind === 'ready' && records.value.length === 0 && (
        <p className="muted">
          No policy run saved in this browser yet: the runs you train are kept here.
        </p>
      )}
      {error && (
        <p className="exp-error" role="alert">
          {error}
        </p>
      )}
      {records.kind === 'ready' && records.value.length > 0 && (
        <ul className="pol-runs" data-testid="policy-run-list">
          {[...records.value].reverse().map((r) => (
            <li
              key={r.id}
              className={r.id === shown ? 'pol-runs__item pol-runs__item--shown' : 'pol-runs__item'}
            >
              <p>
                <strong>{r.name}</strong>{' '}
                <span className="muted">{r.createdAt.slice(0, 16).replace('T', ' ')} UTC</span>
                <br />
                <span data-testid="policy-run-state">{policyStatusText(r, activeId)}</span>,{' '}
                {r.arms.length} arm{r.arms.length === 1 ? '' : 's'},{' '}
                {r.backend.kind === 'webgpu' ? 'WebGPU' : 'CPU'}
              </p>
              <div className="pol-runs__buttons">
                <button
                  type="button"
                  className="button button--ghost button--small"
                  aria-pressed={r.id === shown}
                  onClick={() => show(r.id)}
                >
                  Show<span className="exp-visually-hidden"> {r.name}</span>
                </button>
                {resumable(r, activeId) && (
                  <button
                    type="button"
                    className="button button--small"
                    disabled={running}
                    onClick={() => void resume(r.id)}
                  >
                    Resume<span className="exp-visually-hidden"> {r.name}</span>
                  </button>
                )}
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => void doExport(r.id, r.name, 'csv')}
                >
                  CSV<span className="exp-visually-hidden"> of {r.name}</span>
                </button>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => void doExport(r.id, r.name, 'json')}
                >
                  JSON<span className="exp-visually-hidden"> of {r.name}</span>
                </button>
                <TrlExportButton
                  runId={r.id}
                  kind="policy"
                  label="TRL (.zip)"
                  hiddenName={`of ${r.name}`}
                  small
                  trainable={r.spec.arms.some(
                    (a) => a.method.kind === 'dpo' && a.method.loss !== 'simpo',
                  )}
                  onError={setError}
                />
                <button
                  type="button"
                  className="button button--ghost button--small"
                  disabled={r.id === activeId}
                  onClick={() => void remove(r.id)}
                >
                  Delete<span className="exp-visually-hidden"> {r.name}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div className="results-export">
        <ImportJsonButton onText={importRecords} onError={setError} hiddenName="policy run records" testId="policy-import" />
        <span className="muted">
          A record from <code>npm run cli -- policy run</code> (runs/policy/ID.json) or a JSON exported here; weights a CLI run saved to a folder stay there.
        </span>
      </div>
    </section>
  );
}
