// Item 2 of issue 13 in the view (d): EM mixtures of Bradley–Terry types. Held-out likelihood
// against K with the chosen K marked, the types' sizes, their cross-tabulation with the
// attributes most associated with them, and the max-min view (the worst-served type's accuracy
// under the pooled model against under the mixture).
import type { CrossTab, MixtureReport } from '../../protocol/analysis';
import { pct } from '../format';
import { DotChart, Legend, LineChart, MOP_COLOURS, type Series } from './charts';
import { Ci, Figure } from './Figure';
import { crossTabReading, mixtureReading, worstTypeReading } from './readings';

const VAL: Series = { name: 'validation pairs (selects K)', colour: MOP_COLOURS[0], marker: 'circle' };
const TEST: Series = { name: 'test cross-persona pairs', colour: MOP_COLOURS[1], marker: 'square' };
const POOLED: Series = { name: 'pooled model (K = 1)', colour: MOP_COLOURS[5], marker: 'square' };
const MIXTURE: Series = { name: 'mixture (chosen K)', colour: MOP_COLOURS[2], marker: 'circle' };
const SHARE: Series = { name: 'share of training personas', colour: MOP_COLOURS[4], marker: 'diamond' };

function GridFigure({ x }: { x: MixtureReport }) {
  return (
    <Figure
      id="em-k"
      title="(d) Held-out log-likelihood (nats per comparison) against the number of types K"
      reading={mixtureReading(x)}
      legend={<Legend series={[VAL, TEST]} extra={<li className="muted">vertical line: the chosen K</li>} />}
      chart={
        <LineChart
          xTicks={x.grid.map((g) => g.k)}
          xLabel="number of types K"
          yLabel="log-likelihood (nats per comparison)"
          mark={{ x: x.chosenK, label: `chosen K = ${x.chosenK}` }}
          series={[
            { ...VAL, points: x.grid.map((g) => ({ x: g.k, value: g.validationLogLik })) },
            { ...TEST, points: x.grid.map((g) => ({ x: g.k, value: g.testLogLik })) },
          ]}
        />
      }
      table={
        <table className="mop-table" data-testid="mop-em-k-table">
          <caption className="exp-visually-hidden">Log-likelihood against K</caption>
          <thead>
            <tr>
              <th scope="col">K</th>
              <th scope="col">Validation log-likelihood</th>
              <th scope="col">Test log-likelihood (cross)</th>
              <th scope="col">EM iterations</th>
            </tr>
          </thead>
          <tbody>
            {x.grid.map((g) => (
              <tr key={g.k}>
                <th scope="row">
                  {g.k}
                  {g.k === x.chosenK ? ' (chosen)' : ''}
                </th>
                <td>{g.validationLogLik.toFixed(4)}</td>
                <td>{g.testLogLik.toFixed(4)}</td>
                <td>{g.iterations}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function TypesFigure({ x }: { x: MixtureReport }) {
  const sizes = x.types.map((t) => ({ label: `type ${t.index}`, points: [{ series: 0, value: 100 * t.share }] }));
  const acc = x.types.map((t) => ({
    label: `type ${t.index}`,
    points: [
      { series: 0, value: 100 * t.pooled.value, lo: 100 * t.pooled.lo, hi: 100 * t.pooled.hi },
      { series: 1, value: 100 * t.mixture.value, lo: 100 * t.mixture.lo, hi: 100 * t.mixture.hi },
    ],
  }));
  return (
    <Figure
      id="em-types"
      title="(d) The types: their sizes (% of personas) and each type's accuracy (% of held-out cross-persona pairs) under the pooled model and the mixture, 95% intervals"
      reading={worstTypeReading(x)}
      legend={<Legend series={[SHARE, POOLED, MIXTURE]} />}
      chart={
        <div className="mop-pair">
          <DotChart rows={sizes} series={[SHARE]} barFrom={0} xLabel="share of training personas (%)" format={(v) => `${v}`} domain={[0, 100]} />
          <DotChart rows={acc} series={[POOLED, MIXTURE]} xLabel="accuracy (% of the type's held-out pairs)" format={(v) => `${v}`} refs={[{ x: 50, label: '50%' }]} />
        </div>
      }
      table={
        <table className="mop-table" data-testid="mop-em-types-table">
          <caption className="exp-visually-hidden">Types: sizes and accuracy</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Share of personas</th>
              <th scope="col">Held-out pairs</th>
              <th scope="col">Accuracy, pooled</th>
              <th scope="col">Accuracy, mixture</th>
            </tr>
          </thead>
          <tbody>
            {x.types.map((t) => (
              <tr key={t.index}>
                <th scope="row">type {t.index}</th>
                <td>
                  {pct(t.share)} ({t.personas})
                </td>
                <td>{t.pairs}</td>
                <td>
                  <Ci v={t.pooled.value} lo={t.pooled.lo} hi={t.pooled.hi} f={(v) => pct(v)} />
                </td>
                <td>
                  <Ci v={t.mixture.value} lo={t.mixture.lo} hi={t.mixture.hi} f={(v) => pct(v)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

/** A cross-tab as a table, one row per attribute value and one column per type (values can be
 * long, types are few); a cell is shaded by its share of the type's personas. */
function CrossTabTable({ t }: { t: CrossTab }) {
  const totals = t.counts.map((row) => row.reduce((a, b) => a + b, 0) || 1);
  return (
    <table className="mop-table mop-crosstab">
      <caption>
        {t.attribute} × types (personas; Cramér's V {t.cramersV.toFixed(2)}; shading: share of the type's personas)
      </caption>
      <thead>
        <tr>
          <th scope="col">{t.attribute}</th>
          {t.counts.map((_, k) => (
            <th key={k} scope="col">
              type {k}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {t.values.map((v, j) => (
          <tr key={v}>
            <th scope="row">{v}</th>
            {t.counts.map((row, k) => (
              <td key={k} style={{ background: `color-mix(in srgb, ${MOP_COLOURS[0]} ${Math.round(60 * (row[j] / totals[k]))}%, transparent)` }}>
                {row[j]}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CrossTabFigure({ x }: { x: MixtureReport }) {
  const shown = x.chosenK > 1 ? x.crossTabs.slice(0, 3) : [];
  return (
    <Figure
      id="em-crosstab"
      wide
      title="(d) Types against attributes: Cramér's V of each attribute with the types (0: independent, 1: determined), the three strongest as tables"
      reading={crossTabReading(x)}
      chart={
        <>
          <DotChart rows={x.crossTabs.map((t) => ({ label: t.attribute, points: [{ series: 0, value: t.cramersV }] }))} series={[{ name: "Cramér's V", colour: MOP_COLOURS[0], marker: 'circle' }]} barFrom={0} domain={[0, 1]} xLabel="Cramér's V of types × attribute (0 to 1)" />
          <div className="mop-crosstabs">
            {shown.map((t) => (
              <div key={t.attribute} className="mop-table-wrap" tabIndex={0} role="region" aria-label={`Types by ${t.attribute}`}>
                <CrossTabTable t={t} />
              </div>
            ))}
          </div>
        </>
      }
      table={
        <table className="mop-table" data-testid="mop-em-crosstab-table">
          <caption className="exp-visually-hidden">Cramér's V per attribute</caption>
          <thead>
            <tr>
              <th scope="col">Attribute</th>
              <th scope="col">Cramér's V</th>
            </tr>
          </thead>
          <tbody>
            {x.crossTabs.map((t) => (
              <tr key={t.attribute}>
                <th scope="row">{t.attribute}</th>
                <td>{t.cramersV.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

export function MixtureSection({ x }: { x: MixtureReport }) {
  return (
    <section className="panel mop-section" aria-labelledby="mop-mixture-title">
      <h3 id="mop-mixture-title" className="panel__title">
        2. Latent preference types (EM mixture of Bradley–Terry models)
      </h3>
      <p className="mop-note">K reward models fitted by EM over personas, without attributes; each persona belongs to one type. K is chosen by validation log-likelihood.</p>
      <div className="mop-grid2">
        <GridFigure x={x} />
        <TypesFigure x={x} />
      </div>
      <CrossTabFigure x={x} />
    </section>
  );
}
