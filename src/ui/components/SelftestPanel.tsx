// The GPU self-test inside the GPU panel: runs every kernel on this GPU against the CPU reference
// and shows one line per kernel, with every failing case spelled out.
import type { SelftestCase } from '../../protocol/gpu';
import { useLab, useSelftest } from '../../store/lab';

interface KernelSummary {
  kernel: string;
  passed: number;
  total: number;
}

function byKernel(cases: SelftestCase[]): KernelSummary[] {
  const summaries = new Map<string, KernelSummary>();
  for (const c of cases) {
    const s = summaries.get(c.kernel) ?? { kernel: c.kernel, passed: 0, total: 0 };
    s.total++;
    if (c.ok) s.passed++;
    summaries.set(c.kernel, s);
  }
  return [...summaries.values()];
}

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
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">Kernel</th>
              <th scope="col">Cases passed</th>
            </tr>
          </thead>
          <tbody>
            {byKernel(cases).map((s) => (
              <tr key={s.kernel}>
                <td className="mono">{s.kernel}</td>
                <td className={s.passed === s.total ? 'selftest__good' : 'selftest__bad'}>
                  {s.passed} / {s.total}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {failed.length > 0 && (
        <ul className="selftest__failures" aria-label="Failed cases">
          {failed.map((c, i) => (
            <li key={i}>
              <span className="mono">{c.kernel}</span> {c.case}: max error {c.maxAbsError.toExponential(2)}, allowed{' '}
              {c.tolerance}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
