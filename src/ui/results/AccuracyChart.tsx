// Accuracy by method: one group of bars per arm, one bar per test set with its value written on
// it, 95% interval whiskers, the legend in the bars' order, and the dashed ceilings of the data
// (each set's Bayes-optimal accuracy in its bar colour, and the 50% any persona-blind model sits at).
import { Bar, BarChart, CartesianGrid, ErrorBar, LabelList, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PairSetName } from '../../protocol/record';
import type { AccuracyRow } from './select';
import { SET_LABELS, SETS } from './select';
import { pct, seriesColor } from '../format';

/** Each set's bar colour (the legend, the bars and the set's ceiling line share it). */
const SET_COLOR: Record<PairSetName, string> = { generic: seriesColor(2), cross: seriesColor(0), unseen: seriesColor(3) };

/** `blind`: where a persona-blind model sits (50% on the full sets; null where that is not a line,
 * e.g. on conflicting pairs, where the pooled predictor scores 0%). */
export function AccuracyChart({ rows, ceilings, blind = 0.5, title, testId }: { rows: AccuracyRow[]; ceilings?: Partial<Record<PairSetName, number>>; blind?: number | null; title: string; testId?: string }) {
  if (rows.length === 0) return <p className="muted">No finished arms to show.</p>;
  const shown = SETS.filter((s) => rows.some((r) => typeof r[s] === 'number'));
  const height = 260;
  return (
    <figure className="exp-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div className="exp-chart__plot">
        <ResponsiveContainer width="100%" height={height}>
          <BarChart data={rows} margin={{ top: 12, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="var(--color-border)" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" stroke="var(--color-muted)" tick={{ fill: 'var(--color-text)', fontSize: 12 }} interval={0} />
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => pct(v, 0)} stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 12 }} width={44} />
            <Tooltip
              cursor={{ fill: 'var(--color-surface-2)' }}
              contentStyle={{ background: 'var(--color-surface)', border: '1px solid var(--color-border)', color: 'var(--color-text)' }}
              formatter={(v, name) => [typeof v === 'number' ? pct(v) : String(v), String(name)]}
            />
            {/* itemSorter null: the legend keeps the bars' order (recharts sorts by name by default). */}
            <Legend wrapperStyle={{ fontSize: 13 }} itemSorter={null} />
            {blind !== null && (
              <ReferenceLine y={blind} stroke="var(--color-muted)" strokeDasharray="4 4" label={{ value: `persona-blind ${pct(blind, 0)}`, position: 'insideBottomRight', fill: 'var(--color-muted)', fontSize: 11 }} />
            )}
            {shown.map((s) =>
              ceilings?.[s] === undefined ? null : (
                // Unlabelled: three labels on the plot would cover the bars; the key below names them.
                <ReferenceLine key={`ceiling-${s}`} y={ceilings[s]} stroke={SET_COLOR[s]} strokeDasharray="6 3" strokeWidth={1.5} />
              ),
            )}
            {shown.map((s) => (
              <Bar key={s} dataKey={s} name={SET_LABELS[s]} fill={SET_COLOR[s]} isAnimationActive={false}>
                <ErrorBar dataKey={`${s}Err`} isAnimationActive={false} width={4} stroke="var(--color-text)" strokeWidth={1.2} />
                {/* The value at the bar's foot, clear of the whisker at its top. */}
                <LabelList dataKey={s} position="insideBottom" formatter={(v: unknown) => (typeof v === 'number' ? pct(v, 0) : '')} fill="var(--color-bg)" fontSize={11} fontWeight={600} />
              </Bar>
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      {ceilings && shown.some((s) => ceilings[s] !== undefined) && (
        <p className="results-ceilings" data-testid={testId ? `${testId}-ceilings` : undefined}>
          Dashed lines, the Bayes ceiling of each set (the best any predictor can do on these pairs):{' '}
          {shown
            .filter((s) => ceilings[s] !== undefined)
            .map((s) => (
              <span key={s} className="results-ceilings__item">
                <span className="results-legend__swatch" style={{ background: SET_COLOR[s] }} /> {SET_LABELS[s]} {pct(ceilings[s]!)}
              </span>
            ))}
        </p>
      )}
    </figure>
  );
}
