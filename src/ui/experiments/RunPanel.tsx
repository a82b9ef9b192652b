// Run controls: where it computes (backend choice and the adapter found), run and cancel, a
// progress bar with time left, the share link of the spec, and what went wrong if it did.
import { useBackendChoice, useExperiments, useRunState, useSpecCheck } from '../../store/experiments';
import { backendsOf, onnxRanOn, type RunRecord } from '../../protocol/record';
import { BackendSelect } from '../components/BackendSelect';
import { RunButtons, RunStoppedNote, ShareLink } from '../components/RunControls';
import { BackendAdviceNote } from './BackendAdviceNote';
import { RunProgress } from './RunProgress';

/** "the CPU", "WebGPU (adapter)", or "the CPU, then WebGPU (adapter)" for a run resumed elsewhere; each with its ONNX EP when ONNX arms ran. */
export function ranOn(r: Pick<RunRecord, 'backend' | 'backends'>): string {
  return backendsOf(r)
    .map((b) => (b.kind === 'webgpu' ? `WebGPU (${b.adapter ?? 'adapter unknown'})` : 'the CPU') + (b.onnx ? `, ${onnxRanOn(b.onnx)}` : ''))
    .join(', then ');
}

export function RunPanel() {
  const run = useRunState();
  const check = useSpecCheck();
  const backend = useBackendChoice();
  const setBackend = useExperiments((s) => s.setBackend);
  const start = useExperiments((s) => s.start);
  const cancel = useExperiments((s) => s.cancel);
  const running = run.kind === 'running';
  const progress = running ? run.progress : null;
  const resumed = running && run.partial !== null && run.partial.id === run.runId;
  const finished = run.kind === 'finished' ? run.record : null;
  return (
    <section className="panel exp-run" aria-labelledby="run-title">
      <h3 id="run-title" className="panel__title">
        Run
      </h3>
      <BackendSelect id="run-backend" whereTestId="run-backend" backend={backend} disabled={running} onChange={setBackend} />
      {backend === 'auto' && <BackendAdviceNote disabled={running} />}
      <RunButtons
        runLabel="Run experiment"
        startTestId="run-start"
        cancelTestId="run-cancel"
        canStart={!running && check?.ok === true}
        running={running}
        cancelling={running && run.cancelling}
        onStart={() => void start()}
        onCancel={() => void cancel()}
      />
      {running && <RunProgress progress={progress} resumed={resumed} />}
      {finished && (
        <p role="status" data-testid="run-status">
          {finished.status === 'done' && (
            <>
              Finished on {ranOn(finished)}. <a href="#/results">See the results</a>.
            </>
          )}
          {finished.status === 'cancelled' && <>Cancelled. Its last checkpoint is kept: resume it under “Runs to resume” or from the Results view.</>}
          {finished.status === 'failed' && <RunStoppedNote error={finished.error} />}
        </p>
      )}
      {run.kind === 'error' && (
        <p className="exp-error" role="alert">
          {run.message}
        </p>
      )}
      {check?.ok && <ShareLink id="share-link" hash={check.hash} />}
    </section>
  );
}
