// Run controls of the Policies view: where it computes (backend and, under Auto, why), run and
// cancel, progress with time left, the share link of the spec, and how the last run ended.
import { useEffect } from 'react';
import { errorInWords } from '../../protocol/error-text';
import { BackendSelect } from '../components/BackendSelect';
import { usePolicies } from '../../store/policies';
import { RunProgress } from '../experiments/RunProgress';

function AutoNote({ disabled }: { disabled: boolean }) {
  const advice = usePolicies((s) => s.advice);
  const loadAdvice = usePolicies((s) => s.loadAdvice);
  useEffect(() => {
    if (!disabled) void loadAdvice();
  }, [disabled, loadAdvice]);
  if (advice.kind === 'loading') return <p className="exp-advice muted" role="status">Measuring both backends on this machine (a second or two)…</p>;
  if (advice.kind === 'error') return <p className="exp-advice exp-error">Auto could not measure the backends: {advice.message}</p>;
  if (advice.kind !== 'ready') return null;
  return (
    <p className="exp-advice" data-testid="policy-backend-advice">
      <strong>Auto picks {advice.value.kind === 'cpu' ? 'the CPU backend' : 'WebGPU'}.</strong> {advice.value.reason}
    </p>
  );
}

export function PolicyRunPanel() {
  const run = usePolicies((s) => s.run);
  const check = usePolicies((s) => s.check);
  const checking = usePolicies((s) => s.checking);
  const backend = usePolicies((s) => s.backend);
  const setBackend = usePolicies((s) => s.setBackend);
  const start = usePolicies((s) => s.start);
  const cancel = usePolicies((s) => s.cancel);
  const running = run.kind === 'running';
  const shareUrl = check?.ok ? `${location.origin}${location.pathname}${check.hash}` : null;
  const finished = run.kind === 'finished' ? run.record : null;
  return (
    <section className="panel exp-run" aria-labelledby="policy-run-title">
      <h3 id="policy-run-title" className="panel__title">
        Run
      </h3>
      <BackendSelect id="policy-backend" whereTestId="policy-run-backend" backend={backend} disabled={running} onChange={setBackend} />
      {backend === 'auto' && <AutoNote disabled={running} />}
      <div className="exp-run__buttons">
        <button type="button" className="button" disabled={running || checking || !check?.ok} onClick={() => void start()} data-testid="policy-run-start">
          Train policy
        </button>
        <button type="button" className="button button--ghost" disabled={!running || run.cancelling} onClick={() => void cancel()} data-testid="policy-run-cancel">
          {running && run.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      {running && <RunProgress progress={run.progress} resumed={run.resumed} />}
      {finished && (
        <p role="status" data-testid="policy-run-status">
          {finished.status === 'done' && <>Finished on {finished.backend.kind === 'webgpu' ? `WebGPU (${finished.backend.adapter ?? 'adapter unknown'})` : 'the CPU'}: its results are below.</>}
          {finished.status === 'cancelled' && <>Cancelled. Its last checkpoint is kept: resume it from “Saved policy runs”.</>}
          {finished.status === 'failed' && (
            <span className="exp-error">Stopped: {finished.error ? errorInWords(finished.error.name, finished.error.message) : 'unknown error.'} The last checkpoint is kept.</span>
          )}
        </p>
      )}
      {run.kind === 'error' && (
        <p className="exp-error" role="alert">
          {run.message}
        </p>
      )}
      {shareUrl && (
        <div className="exp-field exp-share">
          <label htmlFor="policy-share-link">Share link (opens this spec)</label>
          <input id="policy-share-link" type="text" readOnly value={shareUrl} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
    </section>
  );
}
