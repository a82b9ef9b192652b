// A finished analysis run in the Models of preference view: what ran (data, seed, where, time),
// the issue's acceptance checks evaluated on it, then one section per part that ran.
import type { AnalysisRun } from '../../protocol/analysis-run';
import { ConditionalSection } from './ConditionalSection';
import { MixtureSection } from './MixtureSection';
import { MultiObjectiveSection } from './MultiObjectiveSection';
import { runReading } from './readings';

export function AnalysisResults({ run }: { run: AnalysisRun }) {
  const r = run.record;
  if (!r) return null;
  return (
    <div className="mop-results" data-testid="mop-results">
      <section className="panel mop-section" aria-labelledby="mop-summary-title">
        <h3 id="mop-summary-title" className="panel__title">
          {run.name}
        </h3>
        <p data-testid="mop-summary">
          {runReading(r)} Computed on the {run.backend.note}
        </p>
        <p className="muted">
          Pairs: {Object.entries(r.pairs).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}. Intervals: {Math.round(100 * r.spec.bootstrap.confidence)}% percentile bootstrap over personas ({r.spec.bootstrap.resamples} resamples).
        </p>
        {r.checks.length > 0 && (
          <>
            <h4 className="mop-subhead">Issue 13's checks on this run</h4>
            <ul className="mop-checks" data-testid="mop-checks">
              {r.checks.map((c) => (
                <li key={c.name}>
                  <span className={`badge ${c.pass ? 'badge--ok' : 'badge--warn'}`}>{c.pass ? 'pass' : 'fail'}</span> {c.name}: {c.detail}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      {r.conditional && <ConditionalSection c={r.conditional} />}
      {r.mixture && <MixtureSection x={r.mixture} />}
      {r.multiObjective && <MultiObjectiveSection m={r.multiObjective} />}
    </div>
  );
}
