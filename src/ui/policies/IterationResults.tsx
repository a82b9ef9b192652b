// Iterative DPO's iterations in a policy run's results: per arm, the truth's mean utility of the
// policy after each iteration with its interval, beside the reward model's mean score of the
// samples each iteration trained on (its own chart: the two scales differ), a one-line reading
// computed from the record (reading.ts), and the table that is the charts' text equivalent. The
// charts are the Models view's SVG line chart (Okabe–Ito, a marker shape per series), aria-hidden.
import type { PolicyArmResult, PolicyRecord, UtilityChange } from '../../protocol/policy';
import { Legend, LineChart, MOP_COLOURS, type LinePoint, type Series } from '../models/charts';
import '../models/models.css';
import { pct } from '../format';
import { iterationReading, score, signed } from './reading';

const UTILITY: Series = { name: 'Mean true utility', colour: MOP_COLOURS[0], marker: 'circle' };
const SCORE: Series = { name: "Reward model's mean score of the iteration's samples (its own prompts)", colour: MOP_COLOURS[1], marker: 'square' };
const EVAL_SCORE: Series = { name: "Reward model's mean score of the evaluation answers (the truth's prompts)", colour: MOP_COLOURS[2], marker: 'triangle' };

/** A paired change of utility: its mean with the interval, and how many answers rose and fell. */
function Change({ c }: { c: UtilityChange }) {
  return (
    <>
      {signed(c.mean, 2)} [{signed(c.lo, 2)}, {signed(c.hi, 2)}]
      <span className="muted"> · {c.rose} rose, {c.fell} fell</span>
    </>
  );
}

function ArmIterations({ arm, conf }: { arm: PolicyArmResult; conf: string }) {
  const its = arm.iterations ?? [];
  const ticks = its.map((it) => it.iteration);
  const scored = its.filter((it) => it.meanScore !== null && Number.isFinite(it.meanScore));
  const evalScored = its.filter((it) => it.evalScore !== undefined);
  const scoreSeries: Array<Series & { points: LinePoint[] }> = [
    ...(scored.length > 0 ? [{ ...SCORE, points: scored.map((it) => ({ x: it.iteration, value: it.meanScore! })) }] : []),
    ...(evalScored.length > 0 ? [{ ...EVAL_SCORE, points: evalScored.map((it) => ({ x: it.iteration, value: it.evalScore!.mean, lo: it.evalScore!.lo, hi: it.evalScore!.hi })) }] : []),
  ];
  const slug = arm.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  return (
    <div className="pol-iterations" data-testid="policy-iterations" data-arm={arm.label}>
      <h5 className="pol-subhead">{arm.label}: iteration by iteration</h5>
      <p className="mop-reading" data-testid="policy-iteration-reading">{iterationReading(its)}</p>
      <div className="pol-iter-charts">
        <figure className="mop-figure" data-testid="policy-iteration-chart">
          <figcaption>
            <span className="mop-figure__title">Mean true utility of the policy's answers ({conf} interval)</span>
          </figcaption>
          <LineChart series={[{ ...UTILITY, points: its.map((it) => ({ x: it.iteration, value: it.utility.mean, lo: it.utility.lo, hi: it.utility.hi })) }]} xLabel="iteration (0: the starting policy)" yLabel="true utility" xTicks={ticks} formatY={(v) => signed(v, Math.abs(v) >= 10 ? 0 : 1)} />
        </figure>
        {scoreSeries.length > 0 && (
          <figure className="mop-figure" data-testid="policy-iteration-score-chart">
            <figcaption>
              <span className="mop-figure__title">{evalScored.length > 0 ? `Reward model's mean score (${conf} interval on the evaluation answers)` : "Reward model's mean score of the iteration's samples"}</span>
            </figcaption>
            {scoreSeries.length > 1 && <Legend series={scoreSeries} />}
            <LineChart series={scoreSeries} xLabel="iteration" yLabel="reward-model score" xTicks={ticks} formatY={score} />
          </figure>
        )}
      </div>
      <div className="pol-table-wrap" tabIndex={0} role="region" aria-label={`${arm.label}: iterations table`}>
        <table className="pol-table" data-testid="policy-iterations-table" id={`policy-iterations-${slug}`}>
          <caption className="exp-visually-hidden">
            {arm.label}: per iteration, the pairs trained on, the reward model's mean sample score and its score of the evaluation answers, and the truth's reading of the policy it made (mean utility with its {conf} interval, the paired change of utility against the previous iteration's answers and against the start's, win rate against iteration 0, invalid answers)
          </caption>
          <thead>
            <tr>
              <th scope="col">Iteration</th>
              <th scope="col">Prompts × samples</th>
              <th scope="col">Pairs kept (ties)</th>
              <th scope="col">RM mean sample score</th>
              {evalScored.length > 0 && <th scope="col">RM score of the evaluation answers (paired change vs start)</th>}
              <th scope="col">True utility ({conf} interval)</th>
              <th scope="col">Paired change vs previous ({conf} interval)</th>
              <th scope="col">Paired change vs start</th>
              <th scope="col">vs iteration 0</th>
              <th scope="col">Invalid</th>
            </tr>
          </thead>
          <tbody>
            {its.map((it) => (
              <tr key={it.iteration} data-iteration={it.iteration}>
                <th scope="row">{it.iteration === 0 ? '0 (start)' : it.iteration}</th>
                <td>{it.iteration === 0 ? '–' : `${it.prompts} × ${it.samplesPerPrompt}`}</td>
                <td>{it.iteration === 0 ? '–' : `${it.pairs} (${it.ties})`}</td>
                <td>{it.meanScore === null ? '–' : score(it.meanScore)}</td>
                {evalScored.length > 0 && (
                  <td data-testid="policy-iteration-eval-score">
                    {it.evalScore ? score(it.evalScore.mean) : '–'}
                    {it.evalScore?.vsStart && (
                      <span className="muted">
                        {' '}
                        ({signed(it.evalScore.vsStart.mean, 2)} [{signed(it.evalScore.vsStart.lo, 2)}, {signed(it.evalScore.vsStart.hi, 2)}])
                      </span>
                    )}
                  </td>
                )}
                <td data-testid="policy-iteration-utility">
                  {signed(it.utility.mean)} [{signed(it.utility.lo)}, {signed(it.utility.hi)}] n={it.utility.n}
                </td>
                <td data-testid="policy-iteration-change">{it.change ? <Change c={it.change.vsPrevious} /> : '–'}</td>
                <td>{it.change ? <Change c={it.change.vsStart} /> : '–'}</td>
                <td>
                  {pct(it.vsBase.rate, 0)} [{pct(it.vsBase.lo, 0)}, {pct(it.vsBase.hi, 0)}]
                </td>
                <td>{pct(it.invalidRate, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function IterationResults({ record }: { record: PolicyRecord }) {
  const arms = record.arms.filter((a) => (a.iterations?.length ?? 0) > 0);
  if (arms.length === 0) return null;
  const conf = pct(record.spec.eval.confidence, 0);
  return (
    <>
      <h4 className="pol-judge">Iterative DPO: the truth and the reward model, iteration by iteration</h4>
      <p className="muted">
        Each iteration samples answers from the current policy, keeps the reward model's best against its worst, and trains DPO on them. The truth (planted utility) reads the policy on the seen personas' held-out prompts before the first iteration and after each; the reward model reads the samples each iteration trained on (new prompts every iteration) and, in newer records, the same evaluation answers the truth reads, with the paired change against the start. A score on the same answers that rises while the utility falls is reward hacking.
      </p>
      {arms.map((a) => (
        <ArmIterations key={a.label} arm={a} conf={conf} />
      ))}
    </>
  );
}
