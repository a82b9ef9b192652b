// Charts of the pooled votes: every pair's win rate with its Wilson interval, and every system's
// Bradley–Terry strength with its bootstrap interval, in the Okabe–Ito palette. Each chart's plot
// carries a one-line description, and the table beside it holds every number (the text equivalent).
import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { PairRateView, StrengthView } from '../../protocol/rating';
import { colourOf } from './palette';

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const axisTick = { fill: 'var(--color-text)', fontSize: 12 };

export function WinRateChart({ pairs }: { pairs: PairRateView[] }) {
  const data = pairs.map((p, i) => ({ name: `${p.a} vs ${p.b}`, rate: 100 * p.rate, err: [100 * (p.rate - p.lo), 100 * (p.hi - p.rate)] as [number, number], i }));
  const summary = pairs.map((p) => `${p.a} wins ${pct(p.rate)} against ${p.b} (95% interval ${pct(p.lo)} to ${pct(p.hi)}, ${p.n} votes)`).join('; ');
  return (
    <figure className="exp-chart rating-chart" data-testid="winrate-chart">
      <figcaption>Win rate of the first system against the second (ties and “both bad” count half), with 95% Wilson intervals</figcaption>
      <div className="exp-chart__plot" role="img" aria-label={`Win rates: ${summary}.`}>
        <ResponsiveContainer width="100%" height={Math.max(120, 40 * data.length + 50)}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
            <CartesianGrid stroke="var(--color-border)" strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tickFormatter={(v: number) => `${v}%`} stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 12 }} />
            <YAxis type="category" dataKey="name" width={220} interval={0} tick={axisTick} stroke="var(--color-muted)" />
            <ReferenceLine x={50} stroke="var(--color-text)" strokeDasharray="4 3" />
            <Bar dataKey="rate" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.name} fill={colourOf(d.i)} />
              ))}
              <ErrorBar dataKey="err" isAnimationActive={false} width={4} stroke="var(--color-text)" strokeWidth={1.4} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function StrengthChart({ strengths }: { strengths: StrengthView[] }) {
  const data = strengths.map((s, i) => ({ name: s.system, theta: s.theta, err: [s.theta - s.lo, s.hi - s.theta] as [number, number], i }));
  const summary = strengths.map((s) => `${s.system} ${s.theta.toFixed(2)} (${s.lo.toFixed(2)} to ${s.hi.toFixed(2)})`).join('; ');
  return (
    <figure className="exp-chart rating-chart" data-testid="strength-chart">
      <figcaption>Bradley–Terry strength (log-odds, mean 0) with 95% bootstrap intervals</figcaption>
      <div className="exp-chart__plot" role="img" aria-label={`Strengths: ${summary}.`}>
        <ResponsiveContainer width="100%" height={Math.max(120, 40 * data.length + 50)}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
            <CartesianGrid stroke="var(--color-border)" strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" domain={['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(1)} stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 12 }} />
            <YAxis type="category" dataKey="name" width={220} interval={0} tick={axisTick} stroke="var(--color-muted)" />
            <ReferenceLine x={0} stroke="var(--color-text)" />
            <Bar dataKey="theta" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.name} fill={colourOf(d.i)} />
              ))}
              <ErrorBar dataKey="err" isAnimationActive={false} width={4} stroke="var(--color-text)" strokeWidth={1.4} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
