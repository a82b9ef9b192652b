// The Models panel's "Import a TRL run": pick the output folder a TRL run wrote (train.py of
// "Export to TRL" saves it), and for a PEFT adapter the base it was trained on (the built-in model
// or a cached checkpoint); the run lands in the model cache as trl/<folder>, loadable for Compare
// and evaluation like any cached checkpoint. Errors (an adapter for another base, a truncated
// trainer_state.json) are shown and nothing is stored.
import { useId, useState } from 'react';
import { runner } from '../../protocol/client';
import { errorText } from '../../protocol/error-text';
import { useCompare } from '../../store/compare';

export function TrlImport() {
  const cache = useCompare((s) => s.cache);
  const [base, setBase] = useState('builtin');
  const [status, setStatus] = useState<{ kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; text: string } | { kind: 'error'; text: string }>({ kind: 'idle' });
  const fileId = useId();
  const baseId = useId();
  const groups = cache.kind === 'ready' ? cache.value.map((c) => c.group) : [];
  const pick = async (files: File[]) => {
    setStatus({ kind: 'busy' });
    try {
      const r = await runner().importTrlModel(files, base === 'builtin' ? { kind: 'builtin' } : { kind: 'cache', group: base });
      await useCompare.getState().refreshCache();
      setStatus({ kind: 'done', text: `Imported ${r.kind === 'adapter' ? 'the adapter, merged into its base,' : 'the checkpoint'} as ${r.group}${r.curvePoints ? ` (trainer_state.json: ${r.curvePoints} logged steps; add it in Results to see the curves)` : ''}.` });
    } catch (e) {
      setStatus({ kind: 'error', text: errorText(e) });
    }
  };
  return (
    <div className="models-panel__trl" data-testid="trl-import">
      <h4 className="models-panel__subtitle">Import a TRL run</h4>
      <div className="models-panel__actions">
        <label htmlFor={baseId}>Base of an adapter</label>
        <select id={baseId} value={base} onChange={(e) => setBase(e.currentTarget.value)}>
          <option value="builtin">built-in model</option>
          {groups.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
        <label htmlFor={fileId} className="button button--ghost models-panel__file" aria-disabled={status.kind === 'busy'}>
          {status.kind === 'busy' ? 'Importing…' : 'Pick the run folder…'}
        </label>
        <input
          id={fileId}
          type="file"
          multiple
          {...{ webkitdirectory: '' }}
          className="visually-hidden"
          disabled={status.kind === 'busy'}
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = '';
            if (files.length > 0) void pick(files);
          }}
          data-testid="trl-import-input"
        />
      </div>
      {status.kind === 'done' && <p className="muted">{status.text}</p>}
      {status.kind === 'error' && (
        <p className="compare-error" role="alert">
          {status.text}
        </p>
      )}
    </div>
  );
}
