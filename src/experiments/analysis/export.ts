// An analysis record as CSV: one long table, a row per reported number with its interval, so a
// spreadsheet or a plotting script can pick what it needs (columns: part, item, metric, value,
// lo, hi).
import type { AnalysisRecord, Estimate } from '../../protocol/analysis';

type Row = [part: string, item: string, metric: string, value: number, lo?: number, hi?: number];

function csvCell(v: string | number | undefined): string {
  if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function analysisRows(r: AnalysisRecord): Row[] {
  const rows: Row[] = [];
  const est = (part: string, item: string, metric: string, e: Estimate) => rows.push([part, item, metric, e.value, e.lo, e.hi]);
  const c = r.conditional;
  if (c) {
    for (const f of c.fits)
      for (const s of f.sets) {
        est('conditional', `${f.label} / ${s.set}`, 'log-likelihood (nats/pair)', s.logLik);
        est('conditional', `${f.label} / ${s.set}`, 'accuracy', s.accuracy);
        rows.push(['conditional', `${f.label} / ${s.set}`, 'ECE', s.ece]);
      }
    est('conditional', 'all - marginal / cross', 'log-likelihood gain (nats/pair)', c.allVsMarginal.logLik);
    est('conditional', 'all - marginal / cross', 'accuracy gain', c.allVsMarginal.accuracy);
    for (const a of c.perAttribute) {
      est('conditional', `attribute: ${a.attribute}`, 'log-likelihood gain over marginal (nats/pair)', a.gain);
      if (a.unseenGain) est('conditional', `attribute: ${a.attribute}`, 'log-likelihood gain over marginal, unseen personas (nats/pair)', a.unseenGain);
    }
    if (c.representativeness) {
      est('representativeness', 'all groups', 'marginal', c.representativeness.marginal);
      est('representativeness', 'all groups', 'conditional', c.representativeness.conditional);
      for (const g of c.representativeness.groups) {
        rows.push(['representativeness', g.group, 'marginal', g.marginal]);
        rows.push(['representativeness', g.group, 'conditional', g.conditional]);
      }
    }
  }
  const x = r.mixture;
  if (x) {
    for (const g of x.grid) {
      rows.push(['mixture', `K=${g.k}`, 'validation log-likelihood (nats/pair)', g.validationLogLik]);
      rows.push(['mixture', `K=${g.k}`, 'test log-likelihood (nats/pair)', g.testLogLik]);
    }
    rows.push(['mixture', 'chosen', 'K', x.chosenK]);
    for (const t of x.types) {
      rows.push(['mixture', `type ${t.index}`, 'share of personas', t.share]);
      est('mixture', `type ${t.index}`, 'accuracy (mixture)', t.mixture);
      est('mixture', `type ${t.index}`, 'accuracy (pooled)', t.pooled);
    }
    rows.push(['mixture', 'worst type', 'accuracy (pooled)', x.worstPooled]);
    rows.push(['mixture', 'worst type', 'accuracy (mixture)', x.worstMixture]);
    for (const t of x.crossTabs) rows.push(['mixture', `types x ${t.attribute}`, "Cramér's V", t.cramersV]);
  }
  const m = r.multiObjective;
  if (m) {
    for (const g of m.grid) rows.push(['multi-objective', `d=${g.dims}`, 'validation log-likelihood (nats/pair)', g.validationLogLik]);
    rows.push(['multi-objective', 'chosen', 'd', m.chosenDims]);
    for (const f of m.fewShot) {
      est('multi-objective', `k=${f.k}`, 'accuracy (unseen personas)', f.accuracy);
      est('multi-objective', `k=${f.k}`, 'log-likelihood (nats/pair)', f.logLik);
    }
    est('multi-objective', 'attribute-conditional', 'accuracy (unseen personas)', m.conditional.accuracy);
    if (m.bayes !== undefined) rows.push(['multi-objective', 'Bayes', 'accuracy (unseen personas)', m.bayes]);
    for (const a of m.axes ?? []) rows.push(['multi-objective', `axis: ${a.axis}`, 'correlation with learned basis', a.correlation]);
    (m.canonicalCorrelations ?? []).forEach((v, i) => rows.push(['multi-objective', `canonical ${i + 1}`, 'canonical correlation', v]));
  }
  return rows;
}

export function analysisCsv(r: AnalysisRecord): string {
  const lines = ['part,item,metric,value,lo,hi'];
  for (const row of analysisRows(r)) lines.push(row.map(csvCell).join(','));
  return lines.join('\n') + '\n';
}
