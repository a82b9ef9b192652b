// Run controls of the Models of preference view: which preset, where it computes (the CPU: the
// estimators have no WebGPU path, said in words instead of a selector that would change nothing),
// run and cancel, progress with time left, and how the last run ended.
import { useAnalysis } from '../../store/analysis';
import { errorInWords } from '../../protocol/error-text';
import { duration, pct } from '../format';

export function AnalysisRunPanel() {
  const run = useAnalysis((s) => s.run);
  const preset = useAnalysis((s) => s.preset);
  const presets = useAnalysis((s) => s.presets);
  const start = useAnalysis((s) => s.start);
  const cancel = useAnalysis((s) => s.cancel);
  const running = run.kind === 'running';
  const chosen = presets.kind === 'ready' ? presets.value.find((p) => p.name === preset) : undefined;
  const finished = run.kind === 'finished' ? run.run : null;
  return (
    <section className="panel exp-run" aria-labelledby="mop-run-title">
      <h3 id="mop-run-title" className="panel__title">
        Run
      </h3>
      <p>
        Preset: <strong data-testid="mop-run-preset">{chosen?.title ?? 'none chosen'}</strong>
        {chosen && <span className="muted"> · seed {chosen.spec.seed}</span>}
      </p>
      <p className="muted mop-note" data-testid="mop-run-backend">
        Computes on the CPU in a worker thread: the estimators are double-precision L-BFGS and EM on sparse word bags, with no WebGPU path.
      </p>
      <div className="exp-run__buttons">
        <button type="button" className="button" disabled={running || !chosen?.runnable} onClick={() => void start()} data-testid="mop-run-start">
          Run analysis
        </button>
        <button type="button" className="button button--ghost" disabled={!running || run.cancelling} onClick={() => void cancel()} data-testid="mop-run-cancel">
          {running && run.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      {running && (
        <div className="exp-progress" role="status" aria-live="polite">
          <progress max={1} value={run.progress?.fraction ?? 0} aria-label="Analysis progress" />
          <p>
            <strong>{pct(run.progress?.fraction ?? 0, 0)}</strong> {run.progress?.message ?? 'Starting…'}
            {run.progress?.etaSeconds != null && <span className="muted"> · about {duration(run.progress.etaSeconds)} left</span>}
          </p>
        </div>
      )}
      {finished && (
        <p role="status" data-testid="mop-run-status">
          {finished.status === 'done' && <>Finished in {duration(finished.seconds)} (seed {finished.seed}): the plots are below.</>}
          {finished.status === 'cancelled' && <>Cancelled after {duration(finished.seconds)}. An analysis does not resume: run it again.</>}
          {finished.status === 'failed' && <span className="exp-error">Stopped: {finished.error ? errorInWords(finished.error.name, finished.error.message) : 'unknown error.'}</span>}
        </p>
      )}
      {run.kind === 'error' && (
        <p className="exp-error" role="alert">
          {run.message}
        </p>
      )}
    </section>
  );
}
