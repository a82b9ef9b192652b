// The GPU self-test inside the GPU panel: runs every kernel on this GPU against the CPU reference
// and lists the outcome, failures first.
import { useLab, useSelftest } from '../../store/lab';

export function SelftestPanel() {
  const state = useSelftest();
  const run = useLab((s) => s.runSelftest);
  const cases = state.kind === 'done' ? state.outcome.cases : state.kind === 'running' ? state.cases : [];
  const failed = cases.filter((c) => !c.ok);
  return (
    <div className="selftest" data-testid="selftest">
      <button type="button" className="button button--ghost" onClick={() => void run()} disabled={state.kind === 'running'}>
        {state.kind === 'running' ? `Self-test running… (${cases.length} cases)` : 'Run GPU self-test'}
      </button>
      {state.kind === 'done' && (
        <p role="status" data-testid="selftest-summary" className={failed.length ? 'selftest__bad' : 'selftest__good'}>
          {cases.length - failed.length} passed, {failed.length} failed in {state.outcome.seconds.toFixed(1)} s
        </p>
      )}
      {state.kind === 'error' && (
        <p role="alert" className="selftest__bad">
          The self-test could not run: {state.message}
        </p>
      )}
      {cases.length > 0 && (
        <details open={failed.length > 0}>
          <summary>Cases ({cases.length})</summary>
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col">Kernel</th>
                <th scope="col">Case</th>
                <th scope="col">Result</th>
                <th scope="col">Max error</th>
              </tr>
            </thead>
            <tbody>
              {[...failed, ...cases.filter((c) => c.ok)].map((c, i) => (
                <tr key={i} title={c.tolerance}>
                  <td>{c.kernel}</td>
                  <td>{c.case}</td>
                  <td>{c.ok ? 'pass' : 'FAIL'}</td>
                  <td className="mono">{c.maxAbsError.toExponential(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
