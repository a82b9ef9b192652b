// What the selected dataset holds and what it can show: counts, pairs per test set, the conflict
// rate, and for the built-in data the Bayes ceilings next to the persona-blind oracle.
import type { CeilingView, DatasetSnapshot } from '../../../protocol/data';
import { useData, useDataStats } from '../../../store/data';
import { formatCount, pct } from '../../format';

function CeilingRow({ name, c }: { name: string; c: CeilingView }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{formatCount(c.pairs)}</td>
      {/* Realized on these pairs: the ceiling the Results view draws for a run with this split. */}
      <td>
        {pct(c.bayesRealized)} <span className="muted">(expected {pct(c.bayesExpected)})</span>
      </td>
      <td>{pct(c.blind)}</td>
    </tr>
  );
}

export function DatasetSummary({ snapshot }: { snapshot: DatasetSnapshot }) {
  const stats = useDataStats();
  const computeStats = useData((s) => s.computeStats);
  return (
    <section className="panel" aria-labelledby="summary-title" data-testid="dataset-summary">
      <h3 id="summary-title" className="panel__title">
        {snapshot.name}
      </h3>
      <dl className="kv data-summary__kv">
        <dt>Personas</dt>
        <dd data-testid="summary-personas">{formatCount(snapshot.personas.length)}</dd>
        <dt>Rows</dt>
        <dd data-testid="summary-rows">{formatCount(snapshot.rows)}</dd>
        <dt>Questions</dt>
        <dd>{formatCount(snapshot.questions)}</dd>
        <dt>Fingerprint</dt>
        <dd
          className="mono"
          data-testid="dataset-fingerprint"
          title={snapshot.ref.kind === 'builtin' ? "Hash of every row in PERSONA's schema: the same seed gives the same bytes everywhere" : 'Identity of the dataset: a hash of its rows (the same rows from JSONL, CSV or Parquet give the same one)'}
        >
          {snapshot.fingerprint}
        </dd>
      </dl>
      {stats.kind === 'idle' && (
        <button type="button" className="button button--ghost" onClick={() => void computeStats()}>
          Compute splits, pairs and conflict rate
        </button>
      )}
      {stats.kind === 'loading' && <p className="muted">Computing splits, pairs and ceilings…</p>}
      {stats.kind === 'error' && (
        <p role="alert" className="data-error">
          Statistics failed: {stats.message}
        </p>
      )}
      {stats.kind === 'ready' && (
        <div data-testid="dataset-stats">
          <p className="muted" data-testid="stats-settings">
            For the split of {stats.value.settings.source}: {pct(stats.value.settings.unseenFraction, 0)} of personas unseen, {pct(stats.value.settings.testFraction, 0)} of
            each seen persona&apos;s questions held out, {stats.value.settings.crossPartners} cross-persona partners per row, seed {stats.value.settings.seed}. Other split settings give other counts.
          </p>
          <p>
            Pairs: train {formatCount(stats.value.pairs.train.generic)} generic, {formatCount(stats.value.pairs.train.cross)} cross · test{' '}
            {formatCount(stats.value.pairs.test.generic)} generic, {formatCount(stats.value.pairs.test.cross)} cross,{' '}
            {formatCount(stats.value.pairs.test.unseen)} unseen-persona.
          </p>
          <p>
            Conflict rate <strong>{pct(stats.value.conflictRate)}</strong> of question/response pairs (minority share{' '}
            {pct(stats.value.meanMinorityShare)}): on those, a persona-blind model cannot fit everyone.
          </p>
          {stats.value.builtin && (
            <table className="table table--compact" aria-label="Noise ceilings">
              <caption className="muted">Noise σ = {stats.value.builtin.noise}: what the best possible predictors score</caption>
              <thead>
                <tr>
                  <th scope="col">Test set</th>
                  <th scope="col">Pairs</th>
                  <th scope="col">Bayes ceiling</th>
                  <th scope="col">Persona-blind oracle</th>
                </tr>
              </thead>
              <tbody>
                <CeilingRow name="generic vs tailored" c={stats.value.builtin.generic} />
                <CeilingRow name="cross-persona" c={stats.value.builtin.cross} />
                <CeilingRow name="unseen personas" c={stats.value.builtin.unseen} />
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
