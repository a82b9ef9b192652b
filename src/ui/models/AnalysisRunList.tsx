// Saved analysis runs (IndexedDB, newest first): show one's plots, export one as JSON (the record
// `analysis run --out` writes) or CSV (as `--csv`), delete one.
import { useState } from 'react';
import type { AnalysisRun } from '../../protocol/analysis-run';
import { useAnalysis } from '../../store/analysis';
import { errorInWords } from '../../protocol/error-text';
import { downloadText } from '../components/download';
import { duration } from '../format';

function statusText(r: AnalysisRun, activeId: string | null): string {
  if (r.status === 'running') return r.id === activeId ? 'running now' : 'running';
  if (r.status === 'done') return `finished in ${duration(r.seconds)}`;
  if (r.status === 'cancelled') return 'cancelled';
  return `stopped: ${r.error ? errorInWords(r.error.name, r.error.message) : 'unknown error'}`;
}

export function AnalysisRunList() {
  const runs = useAnalysis((s) => s.runs);
  const shown = useAnalysis((s) => s.shown);
  const run = useAnalysis((s) => s.run);
  const show = useAnalysis((s) => s.show);
  const remove = useAnalysis((s) => s.deleteRun);
  const exportRun = useAnalysis((s) => s.exportRun);
  const [error, setError] = useState<string | null>(null);
  const activeId = run.kind === 'running' ? run.runId : null;
  const doExport = async (r: AnalysisRun, format: 'csv' | 'json') => {
    try {
      setError(null);
      downloadText(`${r.preset ?? 'analysis'}-seed${r.seed}-${r.id}.${format}`, await exportRun(r.id, format), format === 'json' ? 'application/json' : 'text/csv');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="panel" aria-labelledby="mop-runs-title">
      <h3 id="mop-runs-title" className="panel__title">
        Saved analyses
      </h3>
      {runs.kind === 'loading' && <p className="muted">Loading saved analyses…</p>}
      {runs.kind === 'error' && (
        <p className="exp-error" role="alert">
          {runs.message}
        </p>
      )}
      {runs.kind === 'ready' && runs.value.length === 0 && <p className="muted">No analysis saved in this browser yet: the runs you start are kept here.</p>}
      {error && (
        <p className="exp-error" role="alert">
          {error}
        </p>
      )}
      {runs.kind === 'ready' && runs.value.length > 0 && (
        <ul className="pol-runs" data-testid="mop-run-list">
          {[...runs.value].reverse().map((r) => (
            <li key={r.id} className={r.id === shown ? 'pol-runs__item pol-runs__item--shown' : 'pol-runs__item'}>
              <p>
                <strong>{r.name}</strong> <span className="muted">{r.startedAt.slice(0, 16).replace('T', ' ')} UTC</span>
                <br />
                <span data-testid="mop-run-state">{statusText(r, activeId)}</span>, seed {r.seed}, CPU
              </p>
              <div className="pol-runs__buttons">
                <button type="button" className="button button--ghost button--small" aria-pressed={r.id === shown} disabled={!r.record} onClick={() => show(r.id)}>
                  Show<span className="exp-visually-hidden"> {r.name}</span>
                </button>
                <button type="button" className="button button--ghost button--small" disabled={!r.record} onClick={() => void doExport(r, 'csv')}>
                  CSV<span className="exp-visually-hidden"> of {r.name}</span>
                </button>
                <button type="button" className="button button--ghost button--small" disabled={!r.record} onClick={() => void doExport(r, 'json')}>
                  JSON<span className="exp-visually-hidden"> of {r.name}</span>
                </button>
                <button type="button" className="button button--ghost button--small" disabled={r.id === activeId} onClick={() => void remove(r.id)}>
                  Delete<span className="exp-visually-hidden"> {r.name}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
