// Import a PERSONA file (parquet, JSONL, CSV) from disk or a URL (with an optional token), or an
// OpinionQA wave folder. The import runs in the worker; progress, cancel and errors show here.
import { useState, type FormEvent } from 'react';
import type { FolderFile } from '../../../protocol/data';
import { useData, useImportState } from '../../../store/data';
import { formatBytes, formatCount } from '../../format';

export function ImportPanel() {
  const state = useImportState();
  const importFile = useData((s) => s.importFile);
  const importUrl = useData((s) => s.importUrl);
  const importFolder = useData((s) => s.importFolder);
  const cancel = useData((s) => s.cancelImport);
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const busy = state.kind === 'running';

  const onUrl = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim()) void importUrl(url.trim(), token.trim());
  };

  const progress = state.kind === 'running' ? state.progress : undefined;
  const fraction = progress ? (progress.rowsTotal ? progress.rows / progress.rowsTotal : progress.bytesTotal ? progress.bytesDone / progress.bytesTotal : 0) : 0;

  return (
    <section className="panel" aria-labelledby="import-title">
      <h3 id="import-title" className="panel__title">
        Import
      </h3>
      <div className="import__row">
        <label className="button button--ghost file-button">
          PERSONA file…
          <input
            type="file"
            accept=".parquet,.jsonl,.ndjson,.json,.csv"
            data-testid="import-file-input"
            disabled={busy}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void importFile(f);
            }}
          />
        </label>
        <label className="button button--ghost file-button">
          OpinionQA folder…
          <input
            type="file"
            data-testid="import-folder-input"
            disabled={busy}
            // Folder picking: a non-standard attribute every current browser supports.
            {...{ webkitdirectory: '' }}
            multiple
            onChange={(e) => {
              const files: FolderFile[] = [...(e.target.files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
              e.target.value = '';
              if (files.length) void importFolder(files);
            }}
          />
        </label>
      </div>
      <form className="import__url" onSubmit={onUrl}>
        <label>
          URL <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://huggingface.co/datasets/…/resolve/main/….parquet" disabled={busy} />
        </label>
        <label>
          Token <input type="password" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" placeholder="optional (hf_…)" disabled={busy} />
        </label>
        <button type="submit" className="button" disabled={busy || !url.trim()}>
          Import URL
        </button>
      </form>
      <p className="muted import__hint">The token stays in this browser tab; it is sent only to the URL above.</p>

      {state.kind === 'running' && (
        <div className="import__status" data-testid="import-progress" role="status" aria-live="polite">
          <p>
            Importing <span className="mono">{state.what}</span>
            {progress && (
              <>
                : {formatCount(progress.rows)} rows{progress.rowsTotal ? ` of ${formatCount(progress.rowsTotal)}` : ''} ·{' '}
                {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)}
              </>
            )}
          </p>
          <progress max={1} value={fraction} aria-label="Import progress" />
          <button type="button" className="button button--ghost" onClick={() => void cancel()} data-testid="import-cancel">
            Cancel
          </button>
        </div>
      )}
      {state.kind === 'done' && (
        <div className="import__status" data-testid="import-result" role="status">
          <p>
            {state.outcome.reused ? 'Already stored: ' : 'Imported '}
            <strong>{state.outcome.name}</strong>: {formatCount(state.outcome.rows)} rows, {formatCount(state.outcome.personas)} personas
            {state.outcome.reused ? '' : ` in ${state.outcome.seconds.toFixed(1)} s`}.
          </p>
          {state.outcome.notes.length > 0 && (
            <details>
              <summary>Notes ({state.outcome.notes.length})</summary>
              <ul>
                {state.outcome.notes.map((n, i) => (
                  <li key={i}>{n}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
      {state.kind === 'cancelled' && (
        <p className="import__status" role="status" data-testid="import-cancelled">
          Import of <span className="mono">{state.what}</span> cancelled; nothing was stored.
        </p>
      )}
      {state.kind === 'error' && (
        <p className="import__status data-error" role="alert" data-testid="import-error">
          Import of <span className="mono">{state.what}</span> failed. {state.message}
        </p>
      )}
    </section>
  );
}
