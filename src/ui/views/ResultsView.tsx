// The Results view. Accuracy on generic-vs-tailored, cross-persona and unseen-persona pairs, with
// intervals, per method and attribute subset; leave-one-out importance; per-persona spread;
// several runs side by side; export.
import { useEffect, useState } from 'react';
import type { PairSetName, RunRecord } from '../../protocol/record';
import { useExperiments, useRecords, useRunState, useSelectedRuns } from '../../store/experiments';
import { ViewHeader } from '../components/ViewHeader';
import { pct } from '../format';
import { AccuracyChart } from '../results/AccuracyChart';
import { ImportanceChart } from '../results/ImportanceChart';
import { PersonaSpread } from '../results/PersonaSpread';
import { RunList } from '../results/RunList';
import { TrlPanel } from '../results/TrlPanel';
import { armStatusText } from '../results/status';
import { accuracyRows, conflictingRows, importanceRows, SET_LABELS, SETS, subsetRows } from '../results/select';
import '../experiments/experiments.css';
import '../results/results.css';

function ResultTable({ records, liveId }: { records: RunRecord[]; liveId: string | null }) {
  return (
    <table className="table table--compact" data-testid="results-table">
      <caption className="exp-visually-hidden">Accuracy per arm and test set with 95% intervals, and on each set's conflicting pairs</caption>
      <thead>
        <tr>
          <th scope="col">Arm</th>
          <th scope="col">Method</th>
          <th scope="col">Attributes</th>
          {SETS.map((s) => (
            <th key={s} scope="col">
              {SET_LABELS[s]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {records.flatMap((r) =>
          r.arms
            .filter((a) => a.role !== 'leave-one-out' || records.length === 1)
            .map((a) => (
              <tr key={`${r.id}:${a.label}`}>
                <th scope="row">{records.length > 1 ? `${r.name} · ${a.label}` : a.label}</th>
                <td>{a.method}</td>
                <td>{a.subset}</td>
                {SETS.map((s) => {
                  const x = a.sets.find((y) => y.set === s);
                  const c = a.conflicting?.find((y) => y.set === s);
                  return (
                    <td key={s}>
                      {x ? `${pct(x.accuracy)} [${pct(x.lo)}, ${pct(x.hi)}] n=${x.n}` : armStatusText(r, a, r.id === liveId)}
                      {c && (
                        <div className="muted">
                          conflicting: {pct(c.accuracy)} [{pct(c.lo)}, {pct(c.hi)}] n={c.n}
                        </div>
                      )}
                    </td>
                  );
                })}
              </tr>
            )),
        )}
      </tbody>
    </table>
  );
}

export function ResultsView() {
  const records = useRecords();
  const selected = useSelectedRuns();
  const refresh = useExperiments((s) => s.refreshRecords);
  const run = useRunState();
  const [set, setSet] = useState<PairSetName>('cross');
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const picked = records.kind === 'ready' ? records.value.filter((r) => selected.includes(r.id)) : [];
  // Each set's Bayes ceiling (the data's; one run picked, else runs may differ in data).
  const ceilingsOf = picked.length === 1 ? picked[0].data?.ceilings : undefined;
  const ceilings = ceilingsOf ? Object.fromEntries(Object.entries(ceilingsOf).map(([s, c]) => [s, c.bayes])) : undefined;
  return (
    <section aria-labelledby="view-title" data-view="results" className="results-view">
      <ViewHeader title="Results" description="Accuracy on generic-vs-tailored, cross-persona and unseen-persona pairs, with intervals, per method and attribute subset." />
      <div className="results-grid">
        <RunList />
        {picked.length > 0 && (
          <section className="panel" aria-labelledby="acc-title">
            <h3 id="acc-title" className="panel__title">
              Accuracy by method{picked.length > 1 ? ` (${picked.length} runs compared)` : ''}
            </h3>
            {picked.length === 1 && picked[0].data && (
              <p className="muted results-data">
                {picked[0].data.name}: {picked[0].data.personas} personas ({picked[0].data.unseenPersonas} unseen); test pairs: generic {picked[0].data.pairs.generic}, cross {picked[0].data.pairs.cross}, unseen {picked[0].data.pairs.unseen}. Split: {pct(picked[0].spec.split.unseenFraction, 0)} of personas unseen,{' '}
                {pct(picked[0].spec.split.testFraction, 0)} of questions held out, {picked[0].spec.split.crossPartners} cross-persona partner{picked[0].spec.split.crossPartners === 1 ? '' : 's'} per row; seed {picked[0].seed}.
              </p>
            )}
            <AccuracyChart rows={accuracyRows(picked)} ceilings={ceilings} title="Accuracy with 95% intervals" testId="accuracy-chart" />
            {conflictingRows(picked).length > 0 && (
              <AccuracyChart
                rows={conflictingRows(picked)}
                title="On conflicting pairs only: the persona's preference differs from the pooled one (a pooled predictor scores 0% here)"
                blind={null}
                testId="conflicting-chart"
              />
            )}
            <ResultTable records={picked} liveId={run.kind === 'running' ? run.runId : null} />
          </section>
        )}
        {picked.map((r) => {
          const subsets = subsetRows(r);
          const importance = importanceRows(r, set);
          if (subsets.length === 0 && r.importance.length === 0) return null;
          return (
            <section key={r.id} className="panel" aria-label={`Attribute subsets and importance, ${r.name}`}>
              <h3 className="panel__title">Which user information matters: {r.name}</h3>
              {subsets.length > 0 && <AccuracyChart rows={subsets} title="Accuracy by attribute subset" testId="subset-chart" />}
              {r.importance.length > 0 && (
                <>
                  <div className="exp-field results-set">
                    <label htmlFor={`imp-set-${r.id}`}>Test set</label>
                    <select id={`imp-set-${r.id}`} value={set} onChange={(e) => setSet(e.currentTarget.value as PairSetName)}>
                      <option value="cross">{SET_LABELS.cross}</option>
                      <option value="unseen">{SET_LABELS.unseen}</option>
                    </select>
                  </div>
                  <ImportanceChart rows={importance} />
                </>
              )}
            </section>
          );
        })}
        {picked.length > 0 && (
          <section className="panel" aria-labelledby="spread-title">
            <h3 id="spread-title" className="panel__title">
              Per-persona spread
            </h3>
            <div className="exp-field results-set">
              <label htmlFor="spread-set">Test set</label>
              <select id="spread-set" value={set} onChange={(e) => setSet(e.currentTarget.value as PairSetName)}>
                {SETS.map((s) => (
                  <option key={s} value={s}>
                    {SET_LABELS[s]}
                  </option>
                ))}
              </select>
            </div>
            {picked.map((r) => (
              <PersonaSpread key={r.id} arms={r.arms} set={set} />
            ))}
          </section>
        )}
        <TrlPanel records={picked} />
      </div>
    </section>
  );
}
