// A directional policy's results in the Policies view (issue 13, item 4): the judge — per
// objective, the share of answer pairs whose truth-read pole turns from − to + as the direction's
// component moves from −m to +m, and the share of the question's other axes that hold — against
// the 80% target, and the Pareto plot of the direction sweep (ParetoChart), each with its
// one-line reading computed from the record (directional-reading.ts) and its table.
import type { DirectionalResult, PolicyArmResult, PolicyRecord } from '../../protocol/policy';
import { DotChart, Legend, MOP_COLOURS, type Series } from '../models/charts';
import { Ci, Figure } from '../models/Figure';
import '../models/models.css';
import { pct } from '../format';
import { FLIP_TARGET, judgeReading, sweepReading } from './directional-reading';
import { ParetoChart } from './ParetoChart';

const FLIPPED: Series = { name: 'Pole turns − → + (truth)', colour: MOP_COLOURS[0], marker: 'circle' };
const HELD: Series = { name: 'Other axes hold', colour: MOP_COLOURS[1], marker: 'square' };
const f2 = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}` : '–');

function ArmDirectional({ arm, d, conf }: { arm: PolicyArmResult; d: DirectionalResult; conf: string }) {
  const slug = arm.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const pickV = (vals: DirectionalResult['sweep']['base'], o: string) => vals.find((v) => v.objective === o);
  return (
    <div className="pol-directional" data-testid="policy-directional" data-arm={arm.label}>
      <h5 className="pol-subhead">{arm.label}: directional control</h5>
      <p className="muted">
        Trained from {d.rewardModel}. Judged on {d.judgeQuestions.length} held-out questions, {d.baseDirections} base direction{d.baseDirections === 1 ? '' : 's'} per question and objective; the moved component is ±{d.magnitude}.
      </p>
      <Figure
        id={`directional-judge-${slug}`}
        title={`Moving one objective's component from −${d.magnitude} to +${d.magnitude}: share of answer pairs (${conf} Wilson intervals)`}
        reading={judgeReading(d)}
        legend={<Legend series={[FLIPPED, HELD]} />}
        chart={
          <DotChart
            rows={[...d.axes.map((x) => ({ label: x.objective, note: `n=${x.n}`, points: [{ series: 0, value: x.flipped.rate, lo: x.flipped.lo, hi: x.flipped.hi }, { series: 1, value: x.held.rate, lo: x.held.lo, hi: x.held.hi }] })), { label: 'all objectives', note: `n=${d.overall.flipped.n}`, points: [{ series: 0, value: d.overall.flipped.rate, lo: d.overall.flipped.lo, hi: d.overall.flipped.hi }, { series: 1, value: d.overall.held.rate, lo: d.overall.held.lo, hi: d.overall.held.hi }] }]}
            series={[FLIPPED, HELD]}
            xLabel="share of answer pairs (%)"
            format={(v) => `${Math.round(100 * v)}%`}
            domain={[0, 1]}
            refs={[{ x: FLIP_TARGET, label: 'target 80%' }]}
          />
        }
        table={
          <table className="pol-table">
            <thead>
              <tr><th scope="col">objective</th><th scope="col">pairs</th><th scope="col">pole − → +</th><th scope="col">pole changed</th><th scope="col">other axes hold</th><th scope="col">unreadable answers</th></tr>
            </thead>
            <tbody>
              {[...d.axes, { objective: 'all objectives', n: d.overall.flipped.n, ...d.overall, invalidRate: NaN }].map((x) => (
                <tr key={x.objective}>
                  <th scope="row">{x.objective}</th>
                  <td>{x.n}</td>
                  <td><Ci v={x.flipped.rate} lo={x.flipped.lo} hi={x.flipped.hi} f={(v) => pct(v)} /></td>
                  <td><Ci v={x.changed.rate} lo={x.changed.lo} hi={x.changed.hi} f={(v) => pct(v)} /></td>
                  <td><Ci v={x.held.rate} lo={x.held.lo} hi={x.held.hi} f={(v) => pct(v)} /></td>
                  <td>{Number.isFinite(x.invalidRate) ? pct(x.invalidRate) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      {d.logOddsShift && (
        <p className="mop-reading" data-testid="policy-directional-shift">
          {`Teacher-forced: moving the component from − to + moves the policy's log-odds of the axis's + pole by ${d.logOddsShift.mean.toFixed(3)} nats [${d.logOddsShift.lo.toFixed(3)}, ${d.logOddsShift.hi.toFixed(3)}] over ${d.logOddsShift.n} items (0: the direction is ignored; a greedy answer turns only when the shift crosses the policy's own preference).`}
        </p>
      )}
      {d.fit && (
        <p className="mop-reading" data-testid="policy-directional-fit">
          {`On ${d.fit.questions.length} of the questions it trained on, with new directions of the same kind: the pole turns − → + in ${pct(d.fit.overall.flipped.rate)} [${pct(d.fit.overall.flipped.lo)}, ${pct(d.fit.overall.flipped.hi)}] of ${d.fit.overall.flipped.n} pairs (held-out: ${pct(d.overall.flipped.rate)}), the other axes hold in ${pct(d.fit.overall.held.rate)}, shift ${d.fit.logOddsShift.mean.toFixed(3)} nats: how well the direction is fitted, beside how far it carries to new questions.`}
        </p>
      )}
      <Figure
        id={`directional-pareto-${slug}`}
        title={`Pareto plot: ${d.sweep.x} against ${d.sweep.y}, mean truth pole over the held-out questions for directions around their plane (${conf} intervals)`}
        reading={sweepReading(d)}
        legend={<Legend series={[{ name: 'directional policy, one point per angle θ (thick: the front wanting both + poles)', colour: MOP_COLOURS[0], marker: 'circle' }, { name: 'base policy (no direction)', colour: MOP_COLOURS[1], marker: 'square' }]} />}
        chart={<ParetoChart d={d} />}
        table={
          <table className="pol-table">
            <thead>
              <tr><th scope="col">direction</th><th scope="col">{d.sweep.x}: mean pole</th><th scope="col">{d.sweep.y}: mean pole</th><th scope="col">answers (x, y)</th></tr>
            </thead>
            <tbody>
              {d.sweep.points.map((p) => {
                const x = pickV(p.values, d.sweep.x)!;
                const y = pickV(p.values, d.sweep.y)!;
                return (
                  <tr key={p.angle}>
                    <th scope="row">{`θ ${Math.round((p.angle * 180) / Math.PI)}° (${d.sweep.x} ${f2(p.direction[d.objectives.indexOf(d.sweep.x)])}, ${d.sweep.y} ${f2(p.direction[d.objectives.indexOf(d.sweep.y)])})`}</th>
                    <td><Ci v={x.mean} lo={x.lo} hi={x.hi} f={f2} /></td>
                    <td><Ci v={y.mean} lo={y.lo} hi={y.hi} f={f2} /></td>
                    <td>{`${x.n}, ${y.n}`}</td>
                  </tr>
                );
              })}
              {(() => {
                const x = pickV(d.sweep.base, d.sweep.x)!;
                const y = pickV(d.sweep.base, d.sweep.y)!;
                return (
                  <tr>
                    <th scope="row">base policy (no direction)</th>
                    <td><Ci v={x.mean} lo={x.lo} hi={x.hi} f={f2} /></td>
                    <td><Ci v={y.mean} lo={y.lo} hi={y.hi} f={f2} /></td>
                    <td>{`${x.n}, ${y.n}`}</td>
                  </tr>
                );
              })()}
            </tbody>
          </table>
        }
      />
      {d.examples.length > 0 && (
        <details className="pol-examples">
          <summary>Read {d.examples.length} answer pairs at − and +</summary>
          <ul>
            {d.examples.map((x) => (
              <li key={`${x.objective}-${x.questionId}`}>
                <p className="pol-sub">{`${x.objective}, question ${x.questionId}: pole at − ${x.minusPole ?? 'unreadable'}, at + ${x.plusPole ?? 'unreadable'}`}</p>
                <p><strong>−:</strong> {x.minus}</p>
                <p><strong>+:</strong> {x.plus}</p>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

export function DirectionalResults({ record }: { record: PolicyRecord }) {
  const arms = record.arms.filter((a) => a.directional);
  if (arms.length === 0) return null;
  const conf = `${Math.round(100 * record.spec.eval.confidence)}%`;
  return (
    <>
      <h4 className="pol-judge">Judge: the truth, moving the direction</h4>
      {arms.map((a) => (
        <ArmDirectional key={a.label} arm={a} d={a.directional!} conf={conf} />
      ))}
    </>
  );
}
