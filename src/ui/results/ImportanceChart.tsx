// Leave-one-out importance: the accuracy drop when each attribute is left out, with its 95%
// bootstrap interval (over personas), sorted; on the built-in data bars are coloured by the
// attribute's planted role (driver, proxy, irrelevant).
import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Importance } from '../../protocol/record';

const ROLE_COLOR: Record<string, string> = { driver: 'var(--series-1)', proxy: 'var(--series-4)', irrelevant: 'var(--color-muted)' };

export function ImportanceChart({ rows }: { rows: Array<Importance & { err: [number, number] }> }) {
  if (rows.length === 0) return null;
  const data = rows.map((r) => ({
    ...r,
    dropPts: 100 * r.drop,
    errPts: [100 * r.err[0], 100 * r.err[1]] as [number, number],
    simPts: [100 * (r.drop - r.simLo), 100 * (r.simHi - r.drop)] as [number, number],
  }));
  return (
    <figure className="exp-chart" data-testid="importance-chart">
      <figcaption>Importance: accuracy drop when left out (points; black: 95% interval per attribute, grey: simultaneous over all attributes)</figcaption>
      <ul className="results-legend" aria-label="Planted role">
        {Object.entries(ROLE_COLOR).map(([role, color]) => (
          <li key={role}>
            <span className="results-legend__swatch" style={{ background: color }} /> {role}
          </li>
        ))}
      </ul>
      <div className="exp-chart__plot">
        <ResponsiveContainer width="100%" height={Math.max(200, 18 * data.length + 40)}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
            <CartesianGrid stroke="var(--color-border)" strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 12 }} tickFormatter={(v: number) => v.toFixed(1)} />
            <YAxis type="category" dataKey="attribute" width={170} interval={0} tick={{ fill: 'var(--color-text)', fontSize: 12 }} stroke="var(--color-muted)" />
            <Tooltip
              cursor={{ fill: 'var(--color-surface-2)' }}
              contentStyle={{ background: 'var(--color-surface)', border: '1px solid var(--color-border)', color: 'var(--color-text)' }}
              formatter={(_v, _n, item) => {
                const p = item.payload as Importance;
                const f = (x: number) => (100 * x).toFixed(2);
                return [`${f(p.drop)} pts [${f(p.lo)}, ${f(p.hi)}]; simultaneous [${f(p.simLo)}, ${f(p.simHi)}]${p.role ? ` (${p.role})` : ''}`, 'drop'];
              }}
            />
            <ReferenceLine x={0} stroke="var(--color-text)" />
            <Bar dataKey="dropPts" name="drop" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.attribute} fill={d.role ? ROLE_COLOR[d.role] : 'var(--series-1)'} />
              ))}
              <ErrorBar dataKey="simPts" isAnimationActive={false} width={0} stroke="var(--color-muted)" strokeWidth={5} strokeOpacity={0.45} />
              <ErrorBar dataKey="errPts" isAnimationActive={false} width={3} stroke="var(--color-text)" strokeWidth={1.2} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
