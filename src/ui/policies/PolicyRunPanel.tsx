// Run controls of the Policies view: where it computes (backend and, under Auto, why), run and
// cancel, progress with time left, the share link of the spec, and how the last run ended.
import { useEffect } from 'react';
import { BackendSelect } from '../components/BackendSelect';
import { RunButtons, RunStoppedNote, ShareLink } from '../components/RunControls';
import { usePolicies, usePolicyCheck } from '../../store/policies';
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
  const check = usePolicyCheck();
  const checking = usePolicies((s) => s.checking);
  const backend = usePolicies((s) => s.backend);
  const setBackend = usePolicies((s) => s.setBackend);
  const start = usePolicies((s) => s.start);
  const cancel = usePolicies((s) => s.cancel);
  const running = run.kind === 'running';
  const finished = run.kind === 'finished' ? run.record : null;
  return (
    <section className="panel exp-run" aria-labelledby="policy-run-title">
      <h3 id="policy-run-title" className="panel__title">
        Run
      </h3>
      <BackendSelect id="policy-backend" whereTestId="policy-run-backend" backend={backend} disabled={running} onChange={setBackend} />
      {backend === 'auto' && <AutoNote disabled={running} />}
      <RunButtons
        runLabel="Train policy"
        startTestId="policy-run-start"
        cancelTestId="policy-run-cancel"
        canStart={!running && !checking && check?.ok === true}
        running={running}
        cancelling={running && run.cancelling}
        onStart={() => void start()}
        onCancel={() => void cancel()}
      />
      {running && <RunProgress progress={run.progress} resumed={run.resumed} />}
      {finished && (
        <p role="status" data-testid="policy-run-status">
          {finished.status === 'done' && <>Finished on {finished.backend.kind === 'webgpu' ? `WebGPU (${finished.backend.adapter ?? 'adapter unknown'})` : 'the CPU'}: its results are below.</>}
          {finished.status === 'cancelled' && <>Cancelled. Its last checkpoint is kept: resume it from “Saved policy runs”.</>}
          {finished.status === 'failed' && <RunStoppedNote error={finished.error} />}
        </p>
      )}
      {run.kind === 'error' && (
        <p className="exp-error" role="alert">
          {run.message}
        </p>
      )}
      {check?.ok && <ShareLink id="policy-share-link" hash={check.hash} />}
    </section>
  );
}
