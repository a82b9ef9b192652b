// Item 1 of issue 13 in the view: (a) held-out log-likelihood and accuracy of every conditional fit
// (marginal, each attribute alone, all attributes) with intervals, (b) the all-attribute fit's
// reliability diagram with its ECE, (c) what each attribute alone tells about the preference.
import type { ConditionalReport, Estimate } from '../../protocol/analysis';
import { pct } from '../format';
import { DotChart, Legend, MOP_COLOURS, ReliabilityDiagram, type DotRow, type Series } from './charts';
import { Ci, Figure } from './Figure';
import { fitsReading, informationReading, reliabilityReading, setOf } from './readings';

const SEEN: Series = { name: 'held-out questions of seen personas (cross-persona pairs)', colour: MOP_COLOURS[0], marker: 'circle' };
const UNSEEN: Series = { name: 'unseen personas (cross-persona pairs)', colour: MOP_COLOURS[1], marker: 'square' };
const COIN = Math.log(0.5);
const f3 = (x: number) => x.toFixed(3);
const f4 = (x: number) => x.toFixed(4);
const pt = (series: number, e: Estimate, scaleBy = 1) => ({ series, value: scaleBy * e.value, lo: scaleBy * e.lo, hi: scaleBy * e.hi });

function fitLabel(label: string): string {
  return label === 'all' ? 'all attributes' : label === 'marginal' ? 'marginal (no attributes)' : label;
}

function FitsFigure({ c }: { c: ConditionalReport }) {
  const order = [...c.fits].sort((a, b) => (b.sets.find((s) => s.set === 'cross')?.logLik.value ?? -Infinity) - (a.sets.find((s) => s.set === 'cross')?.logLik.value ?? -Infinity));
  const rows = (metric: 'logLik' | 'accuracy', by = 1): DotRow[] =>
    order.map((f) => ({
      label: fitLabel(f.label),
      points: (['cross', 'unseen'] as const).flatMap((set, i) => {
        const s = f.sets.find((x) => x.set === set);
        return s ? [pt(i, s[metric], by)] : [];
      }),
    }));
  const series = [SEEN, UNSEEN];
  return (
    <Figure
      id="fits"
      wide
      title="(a) Held-out fit of every model: mean log-likelihood (nats per comparison) and accuracy (%), 95% intervals over personas"
      reading={fitsReading(c)}
      legend={<Legend series={series} extra={<li className="muted">dashed line: a coin (−0.693 nats, 50%)</li>} />}
      chart={
        <div className="mop-pair">
          <DotChart rows={rows('logLik')} series={series} xLabel="log-likelihood per comparison (nats; higher is better)" refs={[{ x: COIN, label: 'coin' }]} />
          <DotChart rows={rows('accuracy', 100)} series={series} xLabel="accuracy (% of held-out comparisons)" format={(v) => `${v}`} refs={[{ x: 50, label: '50%' }]} />
        </div>
      }
      table={
        <table className="mop-table" data-testid="mop-fits-table">
          <caption className="exp-visually-hidden">Every conditional fit on every held-out set</caption>
          <thead>
            <tr>
              <th scope="col">Fit</th>
              <th scope="col">Set</th>
              <th scope="col">Pairs</th>
              <th scope="col">Log-likelihood (nats/pair)</th>
              <th scope="col">Accuracy</th>
              <th scope="col">ECE</th>
            </tr>
          </thead>
          <tbody>
            {order.flatMap((f) =>
              f.sets.map((s) => (
                <tr key={`${f.label}-${s.set}`}>
                  <th scope="row">{fitLabel(f.label)}</th>
                  <td>{s.set}</td>
                  <td>{s.pairs}</td>
                  <td>
                    <Ci v={s.logLik.value} lo={s.logLik.lo} hi={s.logLik.hi} f={f4} />
                  </td>
                  <td>
                    <Ci v={s.accuracy.value} lo={s.accuracy.lo} hi={s.accuracy.hi} f={(x) => pct(x)} />
                  </td>
                  <td>{s.ece.toFixed(4)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      }
    />
  );
}

function ReliabilityFigure({ c }: { c: ConditionalReport }) {
  const s = setOf(c, 'all', 'cross');
  if (!s) return null;
  return (
    <Figure
      id="reliability"
      title={`(b) Reliability of the all-attribute fit on held-out cross-persona pairs: accuracy against confidence, ECE ${s.ece.toFixed(3)}`}
      reading={reliabilityReading(s)}
      legend={<p className="mop-note">Bars: each bin's accuracy; dots at its mean confidence; the dashed diagonal is perfect calibration.</p>}
      chart={<ReliabilityDiagram bins={s.bins} colour={MOP_COLOURS[0]} />}
      table={
        <table className="mop-table" data-testid="mop-reliability-table">
          <caption className="exp-visually-hidden">Reliability diagram bins</caption>
          <thead>
            <tr>
              <th scope="col">Confidence bin</th>
              <th scope="col">Pairs</th>
              <th scope="col">Mean confidence</th>
              <th scope="col">Accuracy</th>
            </tr>
          </thead>
          <tbody>
            {s.bins.map((b) => (
              <tr key={b.lo}>
                <th scope="row">
                  {b.lo.toFixed(2)}–{b.hi.toFixed(2)}
                </th>
                <td>{b.n}</td>
                <td>{b.n ? b.confidence.toFixed(3) : '–'}</td>
                <td>{b.n ? b.accuracy.toFixed(3) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function InformationFigure({ c }: { c: ConditionalReport }) {
  const role = (p: boolean | undefined) => (p === undefined ? undefined : p ? 'planted driver' : 'drives no axis');
  const rows: DotRow[] = c.perAttribute.map((a) => ({
    label: a.attribute,
    note: role(a.planted),
    points: [pt(0, a.gain), ...(a.unseenGain ? [pt(1, a.unseenGain)] : [])],
  }));
  const series = [SEEN, UNSEEN];
  return (
    <Figure
      id="information"
      wide
      title="(c) Information of each attribute alone: log-likelihood gain over the marginal fit (nats per comparison), 95% paired intervals over personas"
      reading={informationReading(c)}
      legend={<Legend series={series} extra={<li className="muted">solid line: no gain</li>} />}
      chart={rows.length ? <DotChart rows={rows} series={series} xLabel="log-likelihood gain over the marginal fit (nats per comparison)" refs={[{ x: 0, label: '0' }]} /> : <p className="muted">No per-attribute fits in this run.</p>}
      table={
        <table className="mop-table" data-testid="mop-information-table">
          <caption className="exp-visually-hidden">Per-attribute information</caption>
          <thead>
            <tr>
              <th scope="col">Attribute</th>
              <th scope="col">Role in the world</th>
              <th scope="col">Gain, seen personas (nats/pair)</th>
              <th scope="col">Gain, unseen personas (nats/pair)</th>
              <th scope="col">Accuracy alone</th>
            </tr>
          </thead>
          <tbody>
            {c.perAttribute.map((a) => (
              <tr key={a.attribute}>
                <th scope="row">{a.attribute}</th>
                <td>{role(a.planted) ?? '–'}</td>
                <td>
                  <Ci v={a.gain.value} lo={a.gain.lo} hi={a.gain.hi} f={f4} />
                </td>
                <td>{a.unseenGain ? <Ci v={a.unseenGain.value} lo={a.unseenGain.lo} hi={a.unseenGain.hi} f={f4} /> : '–'}</td>
                <td>{pct(a.accuracy.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

export function ConditionalSection({ c }: { c: ConditionalReport }) {
  return (
    <section className="panel mop-section" aria-labelledby="mop-conditional-title">
      <h3 id="mop-conditional-title" className="panel__title">
        1. Conditional distribution fitting
      </h3>
      <p className="mop-note">
        P(choice | question, responses, attributes) fitted as a Bradley–Terry model over the responses' word bags, with no attributes (marginal), each attribute alone and all
        of them; L2 strength {c.l2} chosen on validation pairs. Log-likelihood −{f3(-COIN)} nats per comparison is a coin.
      </p>
      <FitsFigure c={c} />
      <div className="mop-grid2">
        <ReliabilityFigure c={c} />
      </div>
      <InformationFigure c={c} />
    </section>
  );
}
