// The Models panel's "ONNX models": a model in the transformers.js layout (config.json,
// tokenizer.json, tokenizer_config.json, onnx/model.onnx, fp32) from a picked folder, a hub repo
// (token optional) or a URL, into the model cache as onnx:<name> with download progress; it runs
// on onnxruntime-web for roleplay and few-shot arms that name it (model.source "onnx") and as a
// Compare column (id onnx:<name>). Errors (not
// a decoder, a missing tokenizer, a truncated file, fp16/q4, too large) are shown; nothing is stored.
import { useId, useState } from 'react';
import { proxy, runner } from '../../protocol/client';
import { errorText } from '../../protocol/error-text';
import type { OnnxFetchProgressView, OnnxModelView } from '../../protocol/onnx';
import { useColumns } from '../../store/columns';
import { useCompare } from '../../store/compare';
import { formatBytes } from '../format';

type Status = { kind: 'idle' } | { kind: 'busy'; progress: OnnxFetchProgressView | null } | { kind: 'done'; model: OnnxModelView } | { kind: 'error'; text: string };

export function OnnxImport() {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [source, setSource] = useState('');
  const [token, setToken] = useState('');
  const fileId = useId();
  const sourceId = useId();
  const tokenId = useId();
  const busy = status.kind === 'busy';

  // Progress comes over its own message channel, so a last progress message can arrive after the
  // result: once the work has finished, progress no longer sets the status (it would hide "done").
  const run = async (work: (onProgress: (p: OnnxFetchProgressView) => void) => Promise<OnnxModelView>) => {
    let finished = false;
    setStatus({ kind: 'busy', progress: null });
    try {
      const model = await work((p) => {
        if (!finished) setStatus({ kind: 'busy', progress: p });
      });
      finished = true;
      setStatus({ kind: 'done', model });
      // The stored model is a Compare column option now.
      void useColumns.getState().loadOptions();
    } catch (e) {
      finished = true;
      setStatus({ kind: 'error', text: errorText(e) });
    }
    await useCompare.getState().refreshCache();
  };
  const download = () => {
    const s = source.trim();
    const req = /^https?:\/\//.test(s) ? { kind: 'url' as const, baseUrl: s, token } : { kind: 'hub' as const, repo: s.split('@')[0], revision: s.split('@')[1], token };
    void run((onProgress) => runner().downloadOnnxModel(req, proxy(onProgress)));
  };

  return (
    <div className="models-panel__trl" data-testid="onnx-import">
      <h4 className="models-panel__subtitle">ONNX models (onnxruntime-web)</h4>
      <p className="muted models-panel__hint">
        A text-generation export in the transformers.js layout, fp32 (config.json, tokenizer.json, onnx/model.onnx). It runs roleplay and few-shot arms that name it; it cannot be trained.
      </p>
      <div className="models-panel__actions">
        <label htmlFor={fileId} className="button button--ghost models-panel__file" aria-disabled={busy}>
          Pick an ONNX model folder…
        </label>
        <input
          id={fileId}
          type="file"
          multiple
          {...{ webkitdirectory: '' }}
          className="visually-hidden"
          disabled={busy}
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = '';
            if (files.length > 0) void run(() => runner().importOnnxModel(files));
          }}
          data-testid="onnx-import-input"
        />
      </div>
      <form
        className="models-panel__actions"
        onSubmit={(e) => {
          e.preventDefault();
          if (source.trim()) download();
        }}
      >
        <label htmlFor={sourceId}>Hub repo or URL</label>
        <input id={sourceId} type="text" placeholder="onnx-community/SmolLM2-135M-Instruct" value={source} onChange={(e) => setSource(e.currentTarget.value)} disabled={busy} />
        <label htmlFor={tokenId}>Token (optional)</label>
        <input id={tokenId} type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.currentTarget.value)} disabled={busy} />
        <button type="submit" className="button button--ghost button--small" disabled={busy || source.trim() === ''}>
          Download
        </button>
      </form>
      {status.kind === 'busy' && (
        <p className="muted" role="status">
          {status.progress ? `Downloading ${status.progress.file}: ${formatBytes(status.progress.receivedBytes)}${status.progress.totalBytes ? ` of ${formatBytes(status.progress.totalBytes)}` : ''}` : 'Checking the model…'}
        </p>
      )}
      {status.kind === 'done' && (
        <p className="muted" data-testid="onnx-import-done">
          {`Stored as ${status.model.group}: ${status.model.file}, ${formatBytes(status.model.bytes)}, ${status.model.layers} layers, vocabulary ${status.model.vocabSize}, context ${status.model.contextLength} (needs about ${formatBytes(status.model.estimateBytes)} to run). `}
          Name it in an experiment arm: <code>{`"model": {"kind": "lm", "source": "onnx", "onnx": "${status.model.group}"}`}</code>
        </p>
      )}
      {status.kind === 'error' && (
        <p className="compare-error" role="alert">
          {status.text}
        </p>
      )}
    </div>
  );
}
