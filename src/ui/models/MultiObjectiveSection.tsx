// Item 3 of issue 13 in the view (e): multi-objective rewards. Accuracy of a new persona's fitted
// weights against the number k of its own comparisons (unseen personas), beside the
// attribute-conditional model and the Bayes ceiling; how well the learned basis recovers the
// built-in world's planted axes; the validation likelihood that chose d.
import type { MultiObjectiveReport } from '../../protocol/analysis';
import { pct } from '../format';
import { DotChart, Legend, LineChart, MOP_COLOURS, type Series } from './charts';
import { Ci, Figure } from './Figure';
import { axesReading, fewShotReading } from './readings';

const SHOTS: Series = { name: 'k-shot weights (no attributes)', colour: MOP_COLOURS[0], marker: 'circle' };
const AXIS: Series = { name: 'correlation of the planted pole with the basis', colour: MOP_COLOURS[2], marker: 'circle' };
const CANON: Series = { name: 'canonical correlation', colour: MOP_COLOURS[3], marker: 'diamond' };

function FewShotFigure({ m }: { m: MultiObjectiveReport }) {
  const pts = m.fewShot.filter((f) => f.pairs > 0);
  const cond = m.conditional.accuracy;
  const hrefs = [
    { y: 100 * cond.value, lo: 100 * cond.lo, hi: 100 * cond.hi, label: `attribute-conditional ${pct(cond.value)}`, colour: MOP_COLOURS[5] },
    { y: 50, label: 'coin 50%', colour: 'var(--color-muted)' },
    ...(m.bayes !== undefined ? [{ y: 100 * m.bayes, label: `Bayes ceiling ${pct(m.bayes)}`, colour: MOP_COLOURS[2] }] : []),
  ];
  return (
    <Figure
      id="few-shot"
      title="(e) Unseen personas: accuracy (% of cross-persona pairs on their other questions) against k, the comparisons their weights are fitted from; 95% intervals"
      reading={fewShotReading(m)}
      legend={<Legend series={[SHOTS]} extra={<li className="muted">dashed: the attribute-conditional model (its interval shaded), the Bayes ceiling and a coin</li>} />}
      chart={
        <LineChart
          categorical
          xTicks={m.fewShot.map((f) => f.k)}
          xLabel="k, the persona's own comparisons used to fit its weights"
          yLabel="accuracy (%)"
          formatY={(v) => `${v}`}
          hrefs={hrefs}
          series={[{ ...SHOTS, points: pts.map((f) => ({ x: f.k, value: 100 * f.accuracy.value, lo: 100 * f.accuracy.lo, hi: 100 * f.accuracy.hi })) }]}
        />
      }
      table={
        <table className="mop-table" data-testid="mop-few-shot-table">
          <caption className="exp-visually-hidden">Few-shot accuracy against k</caption>
          <thead>
            <tr>
              <th scope="col">k</th>
              <th scope="col">Personas</th>
              <th scope="col">Pairs</th>
              <th scope="col">Accuracy</th>
              <th scope="col">Log-likelihood (nats/pair)</th>
            </tr>
          </thead>
          <tbody>
            {m.fewShot.map((f) => (
              <tr key={f.k}>
                <th scope="row">{f.k}</th>
                <td>{f.personas}</td>
                <td>{f.pairs}</td>
                <td>{f.pairs > 0 ? <Ci v={f.accuracy.value} lo={f.accuracy.lo} hi={f.accuracy.hi} f={(v) => pct(v)} /> : 'no pairs'}</td>
                <td>{f.pairs > 0 ? f.logLik.value.toFixed(4) : '–'}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">attribute-conditional</th>
              <td>–</td>
              <td>–</td>
              <td>
                <Ci v={cond.value} lo={cond.lo} hi={cond.hi} f={(v) => pct(v)} />
              </td>
              <td>{m.conditional.logLik.value.toFixed(4)}</td>
            </tr>
            {m.bayes !== undefined && (
              <tr>
                <th scope="row">Bayes ceiling</th>
                <td>–</td>
                <td>–</td>
                <td>{pct(m.bayes)}</td>
                <td>–</td>
              </tr>
            )}
          </tbody>
        </table>
      }
    />
  );
}

function AxesFigure({ m }: { m: MultiObjectiveReport }) {
  const axes = m.axes ?? [];
  const canon = m.canonicalCorrelations ?? [];
  return (
    <Figure
      id="axes"
      title={`(e) Recovery of the planted axes by the learned d = ${m.chosenDims} basis: correlation per axis and canonical correlations with all axes (0 to 1)`}
      reading={axesReading(m)}
      legend={<Legend series={[AXIS, CANON]} extra={<li className="muted">dashed line: the 0.9 goal</li>} />}
      chart={
        axes.length ? (
          <div className="mop-pair">
            <DotChart rows={axes.map((a) => ({ label: a.axis, points: [{ series: 0, value: a.correlation }] }))} series={[AXIS]} barFrom={0} domain={[0, 1]} refs={[{ x: 0.9, label: '0.9' }]} xLabel="multiple correlation with the basis (0 to 1)" />
            <DotChart rows={canon.map((v, i) => ({ label: `component ${i + 1}`, points: [{ series: 0, value: v }] }))} series={[CANON]} barFrom={0} domain={[0, 1]} refs={[{ x: 0.9, label: '0.9' }]} xLabel="canonical correlation, basis × all poles (0 to 1)" />
          </div>
        ) : (
          <p className="muted">No planted axes in this data.</p>
        )
      }
      table={
        <table className="mop-table" data-testid="mop-axes-table">
          <caption className="exp-visually-hidden">Axis recovery and the choice of d</caption>
          <thead>
            <tr>
              <th scope="col">Axis</th>
              <th scope="col">Correlation</th>
            </tr>
          </thead>
          <tbody>
            {axes.map((a) => (
              <tr key={a.axis}>
                <th scope="row">{a.axis}</th>
                <td>{a.correlation.toFixed(3)}</td>
              </tr>
            ))}
            {canon.map((v, i) => (
              <tr key={`c${i}`}>
                <th scope="row">canonical component {i + 1}</th>
                <td>{v.toFixed(3)}</td>
              </tr>
            ))}
            {m.grid.map((g) => (
              <tr key={`d${g.dims}`}>
                <th scope="row">
                  d = {g.dims}
                  {g.dims === m.chosenDims ? ' (chosen)' : ''}: validation log-likelihood
                </th>
                <td>{g.validationLogLik.toFixed(4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

export function MultiObjectiveSection({ m }: { m: MultiObjectiveReport }) {
  return (
    <section className="panel mop-section" aria-labelledby="mop-multi-title">
      <h3 id="mop-multi-title" className="panel__title">
        3. Multi-objective rewards and few-shot persona weights
      </h3>
      <p className="mop-note">
        A reward vector r(x) ∈ R^d and a weight vector per persona, r_p(x) = w_p · r(x); d = {m.chosenDims} chosen on validation pairs (
        {m.grid.map((g) => `d = ${g.dims}: ${g.validationLogLik.toFixed(3).replace('-', '−')}`).join(', ')} nats per comparison). A new persona's weights are fitted from k of its own comparisons under a Gaussian prior.
      </p>
      <div className="mop-grid2">
        <FewShotFigure m={m} />
        <AxesFigure m={m} />
      </div>
    </section>
  );
}
