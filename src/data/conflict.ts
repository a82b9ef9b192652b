// The conflict rate: of the (question, response a, response b) triples on which at least one
// persona has a known preference, the share on which personas disagree (some prefer a, some b).
// A persona-blind model cannot fit a conflicting triple; a high rate is what makes
// personalization necessary. Responses considered are the ones the data shows for the question
// (every row's `data` and `original`; every option for OpinionQA).
import { axisWeight } from './builtin/model';
import { dataRef, isBuiltin, labelerFor, originalRef, type ResponseRef } from './labels';
import type { Dataset, DataRow } from './schema';

export interface ConflictStats {
  /** Triples with at least one known preference. */
  triples: number;
  /** Triples on which some persona prefers each side. */
  conflicting: number;
  rate: number;
  /** Mean over triples of the minority's share (0: unanimous, 0.5: evenly split): how deep the
   * disagreement runs, which the rate alone hides when there are many personas. */
  meanMinorityShare: number;
}

function responsesOf(rows: readonly DataRow[]): ResponseRef[] {
  const byText = new Map<string, ResponseRef>();
  for (const row of rows) {
    for (const ref of [dataRef(row), originalRef(row)]) if (!byText.has(ref.text)) byText.set(ref.text, ref);
    for (const o of row.options ?? []) if (!byText.has(o.text)) byText.set(o.text, { text: o.text });
  }
  return [...byText.values()];
}

/** How many rows chose each `data` text. */
function counts(rows: readonly DataRow[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.data, (m.get(r.data) ?? 0) + 1);
  return m;
}

export function conflictRate(ds: Dataset): ConflictStats {
  const byQuestion = new Map<string, DataRow[]>();
  for (const row of ds.rows) {
    let list = byQuestion.get(row.questionId);
    if (!list) byQuestion.set(row.questionId, (list = []));
    list.push(row);
  }
  const labeler = labelerFor(ds);
  let triples = 0;
  let conflicting = 0;
  let minority = 0;
  const count = (forA: number, forB: number) => {
    if (!forA && !forB) return;
    triples++;
    if (forA && forB) conflicting++;
    minority += Math.min(forA, forB) / (forA + forB);
  };
  for (const rows of byQuestion.values()) {
    if (labeler.kind === 'own-choice') {
      // Each persona is known to prefer its own `data` over every other response and nothing
      // else, so count in closed form: D distinct chosen texts, O other texts.
      const chosen = new Set(rows.map((r) => r.data));
      const others = new Set(rows.map((r) => r.original).filter((t) => !chosen.has(t)));
      const d = chosen.size;
      // Within a pair of chosen texts (a, b) the owners of a and of b disagree (minority share
      // min(na, nb) / (na + nb)); against the other texts everyone agrees. Group texts by how
      // many rows chose them so this stays fast with thousands of distinct texts.
      const byCount = new Map<number, number>();
      for (const n of counts(rows).values()) byCount.set(n, (byCount.get(n) ?? 0) + 1);
      const groups = [...byCount.entries()];
      for (let i = 0; i < groups.length; i++) {
        for (let j = i; j < groups.length; j++) {
          const [na, ka] = groups[i];
          const [nb, kb] = groups[j];
          const pairs = i === j ? (ka * (ka - 1)) / 2 : ka * kb;
          triples += pairs;
          conflicting += pairs;
          minority += (pairs * Math.min(na, nb)) / (na + nb);
        }
      }
      triples += d * others.size;
      continue;
    }
    const responses = responsesOf(rows);
    if (isBuiltin(ds)) {
      // Same answer as the true-utility labeler, with each row's noisy tastes computed once.
      const q = ds.question(rows[0].questionId);
      const z = rows.map((r) => ds.truth.effectiveTaste(ds.truth.personaIndex(r.personaId), q).map((v, k) => v * axisWeight(q, k)));
      const poles = responses.map((r) => ds.responseById(r.id ?? '')?.poles ?? []);
      for (let i = 0; i < poles.length; i++) {
        for (let j = i + 1; j < poles.length; j++) {
          let forA = 0;
          let forB = 0;
          for (const zr of z) {
            let d = 0;
            for (let k = 0; k < zr.length; k++) d += zr[k] * (poles[i][k] - poles[j][k]);
            if (d > 0) forA++;
            else if (d < 0) forB++;
          }
          count(forA, forB);
        }
      }
      continue;
    }
    for (let i = 0; i < responses.length; i++) {
      for (let j = i + 1; j < responses.length; j++) {
        let forA = 0;
        let forB = 0;
        for (const row of rows) {
          const w = labeler.label(row, responses[i], responses[j]).winner;
          if (w > 0) forA++;
          else if (w < 0) forB++;
        }
        count(forA, forB);
      }
    }
  }
  return { triples, conflicting, rate: triples ? conflicting / triples : 0, meanMinorityShare: triples ? minority / triples : 0 };
}
