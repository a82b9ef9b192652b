// One-line readings of an analysis record, one per plot of the Models of preference view: what
// the plot says in a sentence, with its numbers and intervals. Pure functions of the record, so
// the words always match the numbers drawn (tests/unit/models-readings.test.ts).
import type { AnalysisRecord, ConditionalReport, Estimate, MixtureReport, MultiObjectiveReport, SetFit } from '../../protocol/analysis';
import { pct } from '../format';

const signed = (x: number, d = 2) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}`;
const interval = (e: Estimate, f: (x: number) => string) => `[${f(e.lo)}, ${f(e.hi)}]`;
const nats = (x: number) => x.toFixed(3);

export function setOf(r: ConditionalReport, label: string, set: SetFit['set']): SetFit | undefined {
  return r.fits.find((f) => f.label === label)?.sets.find((s) => s.set === set);
}

/** (a) held-out fits: the all-attribute fit against the marginal one on cross pairs. */
export function fitsReading(c: ConditionalReport): string {
  const d = c.allVsMarginal.logLik;
  const m = setOf(c, 'marginal', 'cross');
  const a = setOf(c, 'all', 'cross');
  const verdict = d.lo > 0 ? 'gains' : d.hi < 0 ? 'loses' : 'changes';
  const acc = m && a ? ` (accuracy ${pct(a.accuracy.value)} against ${pct(m.accuracy.value)})` : '';
  const tail = d.lo > 0 || d.hi < 0 ? '' : '; the interval includes 0, so no difference is shown';
  return `The all-attribute fit ${verdict} ${signed(d.value)} nats per comparison ${interval(d, (x) => x.toFixed(2))} over the marginal fit on held-out cross-persona pairs${acc}${tail}.`;
}

/** (b) calibration of the all-attribute fit on cross pairs. */
export function reliabilityReading(s: SetFit): string {
  const used = s.bins.filter((b) => b.n > 0);
  if (used.length === 0) return 'No held-out pairs to calibrate on.';
  const worst = used.reduce((w, b) => (Math.abs(b.accuracy - b.confidence) > Math.abs(w.accuracy - w.confidence) ? b : w));
  const side = worst.accuracy < worst.confidence ? 'overconfident' : 'underconfident';
  return `Expected calibration error ${s.ece.toFixed(3)} on ${s.pairs.toLocaleString('en-US')} pairs (${s.ece < 0.05 ? 'under' : 'over'} the 0.05 goal); the largest gap is in bin ${worst.lo.toFixed(2)}–${worst.hi.toFixed(2)}, ${side} (confidence ${worst.confidence.toFixed(3)}, accuracy ${worst.accuracy.toFixed(3)}).`;
}

/** (c) per-attribute information. */
export function informationReading(c: ConditionalReport): string {
  const rows = c.perAttribute;
  if (rows.length === 0) return 'This run fitted no attribute alone (the preset turns per-attribute fits off).';
  const top = rows[0];
  const above = rows.filter((r) => r.gain.lo > 0).length;
  let planted = '';
  if (rows.some((r) => r.planted !== undefined)) {
    const drivers = rows.filter((r) => r.planted);
    const others = rows.filter((r) => r.planted === false);
    const weakest = Math.min(...drivers.map((r) => r.gain.value));
    const over = others.filter((r) => r.gain.value > weakest).length;
    planted = over === 0 ? '; every planted driver tells more than every attribute that drives nothing' : `; ${over} attribute${over === 1 ? '' : 's'} that drive${over === 1 ? 's' : ''} no axis directly (proxies or noise) tell${over === 1 ? 's' : ''} more than the weakest planted driver`;
  }
  return `${top.attribute} tells most about the preference (${signed(top.gain.value, 3)} nats per comparison ${interval(top.gain, nats)}); ${above} of ${rows.length} attributes have an interval above 0${planted}.`;
}

/** (d) EM: the chosen K and what it buys the worst-served type. */
export function mixtureReading(x: MixtureReport): string {
  const chosen = x.grid.find((g) => g.k === x.chosenK);
  const ll = chosen ? ` (${signed(chosen.validationLogLik, 3)} nats per comparison)` : '';
  const types = x.chosenK === 1 ? 'one type, the pooled model itself: no latent types are found on this data' : `${x.chosenK} types of ${x.types.map((t) => pct(t.share, 0)).join(', ')} of personas`;
  return `Validation likelihood picks K = ${x.chosenK}${ll}: ${types}.`;
}

export function worstTypeReading(x: MixtureReport): string {
  const gain = x.worstMixture - x.worstPooled;
  return `The worst-served type gets ${pct(x.worstMixture)} under the mixture against ${pct(x.worstPooled)} under the pooled model (${signed(100 * gain, 1)} points).`;
}

export function crossTabReading(x: MixtureReport): string {
  const t = x.crossTabs[0];
  if (!t || x.chosenK === 1) return 'With one type there is nothing to cross-tabulate.';
  return `The types follow ${t.attribute} most (Cramér's V ${t.cramersV.toFixed(2)}; 0 is independence, 1 determination), learned without any attribute.`;
}

/** (e) few-shot weights against the attribute-conditional model. */
export function fewShotReading(m: MultiObjectiveReport): string {
  const k8 = m.fewShot.find((f) => f.k === 8 && f.pairs > 0) ?? [...m.fewShot].reverse().find((f) => f.pairs > 0);
  if (!k8) return 'No unseen persona had comparisons to score.';
  const bayes = m.bayes !== undefined ? `; Bayes ceiling ${pct(m.bayes)}` : '';
  return `With k = ${k8.k} of its own comparisons an unseen persona's fitted weights reach ${pct(k8.accuracy.value)} ${interval(k8.accuracy, (v) => pct(v))}; its attributes alone give ${pct(m.conditional.accuracy.value)} ${interval(m.conditional.accuracy, (v) => pct(v))}${bayes}.`;
}

export function axesReading(m: MultiObjectiveReport): string {
  const axes = m.axes ?? [];
  if (axes.length === 0) return 'This data has no planted axes to recover (the built-in world has).';
  const worst = axes.reduce((a, b) => (b.correlation < a.correlation ? b : a));
  const ok = axes.filter((a) => a.correlation >= 0.9).length;
  return `${ok} of ${axes.length} planted axes are recovered with correlation ≥ 0.9 by the d = ${m.chosenDims} basis; the lowest is ${worst.axis} (${worst.correlation.toFixed(3)}).`;
}

/** The run in one line: data, seed, time. */
export function runReading(r: AnalysisRecord): string {
  return `Data: ${r.dataset.name}, ${r.dataset.rows.toLocaleString('en-US')} rows. Seed ${r.spec.seed}; ${r.seconds.toFixed(0)} s.`;
}
