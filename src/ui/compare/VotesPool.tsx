// The pooled votes: export this rater's votes as a file, import many raters' files (each file
// checked whole: a foreign, corrupted or repeated file is reported and loses nothing), and the
// aggregation — raters, win rates with Wilson intervals, Bradley–Terry strengths with bootstrap
// intervals, and the humans' agreement with the truth judge and the reward model — as charts and
// tables.
import { useId } from 'react';
import { useColumns, usePool } from '../../store/columns';
import { StrengthChart, WinRateChart } from './RatingCharts';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '—');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'undefined');

function download(text: string, name: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export function VotesPool() {
  const pool = usePool();
  const rater = useColumns((s) => s.rater);
  const { exportVotes, importFiles } = useColumns.getState();
  const fileId = useId();
  const agg = pool.aggregate;
  const report = pool.report;
  const failed = report?.files.filter((f) => !f.ok) ?? [];

  return (
    <section className="panel pool" aria-labelledby="pool-title" data-testid="votes-pool">
      <h3 id="pool-title" className="panel__title">
        Pooled votes
      </h3>
      <div className="pool__actions">
        <button
          type="button"
          className="button"
          data-testid="export-votes"
          onClick={() => void exportVotes().then((t) => download(t, `persona-lab-votes-${(rater.trim() || 'anonymous').replace(/[^\w-]+/g, '_')}.json`))}
        >
          Export my votes
        </button>
        <div className="compare-field">
          <label htmlFor={fileId}>Import raters’ votes files</label>
          <input
            id={fileId}
            type="file"
            accept=".json,application/json"
            multiple
            disabled={pool.busy}
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = '';
              if (files.length > 0) void Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() }))).then(importFiles);
            }}
          />
        </div>
      </div>
      {pool.error && (
        <p className="compare-error" role="alert">
          {pool.error}
        </p>
      )}
      {report && (
        <div className="pool__report" data-testid="import-report">
          <p role="status">
            {`Imported ${report.files.length - report.failed} of ${report.files.length} file${report.files.length === 1 ? '' : 's'}: ${report.added} new vote${report.added === 1 ? '' : 's'}, ${report.duplicates} duplicate${report.duplicates === 1 ? '' : 's'} skipped, ${report.replaced} replaced by a later vote.`}
          </p>
          <ul className="pool__files">
            {report.files.map((f) => (
              <li key={f.name} className={f.ok ? '' : 'compare-error'}>
                <span className="mono">{f.name}</span>
                {f.ok
                  ? `: ${plural(f.votes, 'vote')} by ${f.raters.join(', ') || 'an anonymous rater'} — ${f.added} new, ${f.duplicates} duplicates${f.replaced ? `, ${f.replaced} replaced` : ''}${f.stale ? `, ${f.stale} older than a kept vote` : ''}`
                  : `: not imported — ${f.message}`}
              </li>
            ))}
          </ul>
          {failed.length > 0 && (
            <p role="alert" className="compare-error">
              {failed.length} file{failed.length === 1 ? ' was' : 's were'} not imported; the pool is unchanged by {failed.length === 1 ? 'it' : 'them'}.
            </p>
          )}
        </div>
      )}
      {agg && agg.votes === 0 && <p className="muted">No votes yet: rate some pairs, or import raters’ files.</p>}
      {agg && agg.votes > 0 && (
        <div className="pool__aggregate" data-testid="aggregate">
          <p data-testid="aggregate-summary">
            {`${plural(agg.votes, 'vote')} from ${plural(agg.raters.length, 'rater')} on ${plural(agg.items, 'pair')}`}
            <span className="muted">{` (${agg.raters.map((r) => `${r.rater || 'anonymous'}: ${r.votes}`).join(', ')})`}</span>
          </p>
          <h4 className="pool__subtitle">Agreement with the judges</h4>
          <table className="table table--compact" data-testid="agreement-table">
            <thead>
              <tr>
                <th scope="col">Judge</th>
                <th scope="col">Votes judged</th>
                <th scope="col">Agree</th>
                <th scope="col">Cohen’s κ</th>
              </tr>
            </thead>
            <tbody>
              {agg.agreement.map((a) => (
                <tr key={a.judge}>
                  <th scope="row">{a.judge === 'truth' ? 'truth judge (planted utility)' : 'reward model'}</th>
                  <td>{a.n}</td>
                  <td>{`${pct(a.percent)} (${a.agree})`}</td>
                  <td>{num(a.kappa)}</td>
                </tr>
              ))}
              {agg.rewardNote && (
                <tr>
                  <th scope="row">reward model</th>
                  <td colSpan={3} className="muted">
                    {agg.rewardNote}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <p className="muted pool__note">Labels compared: A better, B better, tie (“both bad” counts as a tie).</p>
          <div className="pool__charts">
            <div>
              <WinRateChart pairs={agg.pairs} />
              <table className="table table--compact" data-testid="winrate-table">
                <caption className="visually-hidden">Win rates for every pair of systems</caption>
                <thead>
                  <tr>
                    <th scope="col">System</th>
                    <th scope="col">against</th>
                    <th scope="col">Votes</th>
                    <th scope="col">W / T / L</th>
                    <th scope="col">Win rate [95% CI]</th>
                  </tr>
                </thead>
                <tbody>
                  {agg.pairs.map((p) => (
                    <tr key={`${p.a}|${p.b}`}>
                      <th scope="row">{p.a}</th>
                      <td>{p.b}</td>
                      <td>{p.n}</td>
                      <td>{`${p.winsA} / ${p.ties} / ${p.winsB}`}</td>
                      <td>{`${pct(p.rate)} [${pct(p.lo)}, ${pct(p.hi)}]`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              <StrengthChart strengths={agg.strengths} />
              <table className="table table--compact" data-testid="strength-table">
                <caption className="visually-hidden">Bradley–Terry strengths</caption>
                <thead>
                  <tr>
                    <th scope="col">System</th>
                    <th scope="col">Strength [95% CI]</th>
                    <th scope="col">Votes</th>
                  </tr>
                </thead>
                <tbody>
                  {agg.strengths.map((s) => (
                    <tr key={s.system}>
                      <th scope="row">{s.system}</th>
                      <td>{`${num(s.theta)} [${num(s.lo)}, ${num(s.hi)}]`}</td>
                      <td>{s.comparisons}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted pool__note">{`Bootstrap: ${agg.bootstrap.resamples} resamples of the votes, seed ${agg.bootstrap.seed}; one virtual tie per pair keeps a sweep finite.`}</p>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
