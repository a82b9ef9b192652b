// The Models panel: which model is loaded (name, size, where it is from, backend), loading the
// built-in model or a checkpoint from picked files (config.json, tokenizer.json,
// tokenizer_config.json, model.safetensors or its shards) with progress, and the browser's model
// cache with load and delete.
import { useEffect, useId } from 'react';
import { useCompare, useModelState } from '../../store/compare';
import { formatBytes, formatMagnitude } from '../format';
import { OnnxImport } from './OnnxImport';
import { TrlImport } from './TrlImport';

export function ModelsPanel() {
  const model = useModelState();
  const cache = useCompare((s) => s.cache);
  const { loadBuiltin, loadPicked, loadCached, refreshCache, deleteCached } = useCompare.getState();
  const fileId = useId();
  const busy = model.kind === 'loading';

  useEffect(() => {
    void useCompare.getState().refreshCache();
  }, []);

  return (
    <details className="panel models-panel" data-testid="models-panel">
      <summary className="models-panel__summary">
        <span className="models-panel__label">Model</span> <ModelLine />
      </summary>
      <div className="models-panel__body">
        {model.kind === 'ready' && (
          <dl className="kv models-panel__facts">
            <Fact k="Architecture" v={model.info.architecture} />
            <Fact k="Parameters" v={formatMagnitude(model.info.parameters)} />
            <Fact k="Weights" v={`${formatBytes(model.info.bytes)}${model.info.dtype ? ` (${model.info.dtype})` : ''}`} />
            <Fact k="Shape" v={`${model.info.layers} layers, width ${model.info.hiddenSize}, vocabulary ${model.info.vocabSize}, context ${model.info.contextLength}`} />
            <Fact k="From" v={model.info.where} />
            <Fact k="Runs on" v={`${model.info.backend} (loaded in ${model.info.loadSeconds.toFixed(1)} s)`} />
            {model.info.training && (
              <Fact
                k="Training"
                v={`${formatMagnitude(model.info.training.tokensSeen)} tokens, ${model.info.training.steps} steps; held-out loss ${model.info.training.heldOutLoss.toFixed(2)} vs unigram ${model.info.training.unigramLoss.toFixed(2)} nats`}
              />
            )}
          </dl>
        )}
        <div className="models-panel__actions">
          <button type="button" className="button button--ghost" disabled={busy} onClick={() => void loadBuiltin()}>
            Load built-in model
          </button>
          <label htmlFor={fileId} className="button button--ghost models-panel__file" aria-disabled={busy}>
            Load checkpoint files…
          </label>
          <input
            id={fileId}
            type="file"
            multiple
            className="visually-hidden"
            disabled={busy}
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = '';
              if (files.length > 0) void loadPicked(files);
            }}
          />
        </div>
        <p className="muted models-panel__hint">Pick config.json, tokenizer.json, tokenizer_config.json and model.safetensors (or its shards and index) of a Llama or Qwen2 checkpoint.</p>
        <h4 className="models-panel__subtitle">Model cache</h4>
        {cache.kind === 'error' && <p className="compare-error">{cache.message}</p>}
        {cache.kind === 'ready' && cache.value.length === 0 && <p className="muted">No downloaded models in this browser.</p>}
        {cache.kind === 'ready' && cache.value.length > 0 && (
          <ul className="models-panel__cache">
            {cache.value.map((c) => (
              <li key={c.group}>
                <span className="mono">{c.group}</span> <span className="muted">{`${c.files} files, ${formatBytes(c.bytes)}`}</span>
                {c.group.startsWith('onnx:') ? (
                  // ONNX models are not loaded here: they are Compare columns and experiment arms.
                  <span className="muted">ONNX: pick it as a column or name it in a roleplay arm</span>
                ) : (
                  <button type="button" className="button button--ghost button--small" disabled={busy} onClick={() => void loadCached(c.group)}>
                    Load
                  </button>
                )}
                <button type="button" className="button button--ghost button--small" onClick={() => void deleteCached(c.group)}>
                  Delete
                </button>
              </li>
            ))}
          </ul>
        )}
        <button type="button" className="button button--ghost button--small" onClick={() => void refreshCache()}>
          Refresh cache list
        </button>
        <TrlImport />
        <OnnxImport />
      </div>
    </details>
  );
}

function Fact({ k, v }: { k: string; v: string }) {
  return (
    <div className="kv__row">
      <dt>{k}</dt>
      <dd>{v}</dd>
    </div>
  );
}

/** One line: the loaded model, the load in progress, or the error. */
export function ModelLine() {
  const model = useModelState();
  switch (model.kind) {
    case 'none':
      return <span className="muted">none loaded</span>;
    case 'loading': {
      const p = model.progress;
      return (
        <span data-testid="model-status" role="status">
          Loading {model.what}
          {p ? ` — ${p.phase === 'fetch' ? 'fetching' : 'reading'} ${p.item} (${p.done}/${p.total})` : '…'}
          {p && <progress className="models-panel__progress" max={p.total} value={p.done} />}
        </span>
      );
    }
    case 'ready':
      return (
        <span data-testid="model-status">
          <strong>{model.info.name}</strong>{' '}
          <span className="muted">{`${formatMagnitude(model.info.parameters)} parameters · ${formatBytes(model.info.bytes)} · ${model.info.backend}`}</span>
        </span>
      );
    case 'error':
      return (
        <span className="compare-error" role="alert" data-testid="model-status">
          Could not load {model.what}: {model.message}
        </span>
      );
  }
}
