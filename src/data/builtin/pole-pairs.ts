// Pole pairs: for each row, the persona's preferred answer against the same answer with one axis's
// pole flipped (the axis a seeded choice per row), labelled by the world's labeler like every
// built-in pair (the realised utility; the preferred answer maximises it, so it wins every such
// pair). The two texts differ in one sentence (two for formality, which opens and closes an
// answer), so a pair says which pole this persona wants on that axis and nothing else: a policy
// trained on them is not asked to untangle a verdict on several axes at once, as the cross pairs
// (another persona's answer, differing on every axis the two personas part on) ask.
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import type { PreferencePair } from '../pairs';
import { trueUtilityLabeler } from '../labels';
import type { DataRow } from '../schema';
import type { BuiltinDataset, BuiltinRow } from './generator';
import { makeResponse } from './responses';

/** One pole pair per row whose preferred answer is a built-in response with a pole on some axis. */
export function polePairs(ds: BuiltinDataset, rows: readonly DataRow[], seed: number): PreferencePair[] {
  const labeler = trueUtilityLabeler(ds);
  const out: PreferencePair[] = [];
  for (const row of rows) {
    const dataId = (row as Partial<BuiltinRow>).dataId;
    const preferred = dataId !== undefined ? ds.responseById(dataId) : undefined;
    if (!preferred) continue;
    const axes = preferred.poles.map((p, k) => (p !== 0 ? k : -1)).filter((k) => k >= 0);
    if (axes.length === 0) continue;
    const k = axes[new Rng(fnv1a32(`${seed}:pole-pair:${row.personaId}:${row.questionId}`)).int(axes.length)];
    const q = ds.question(row.questionId);
    const flipped = makeResponse(q, preferred.poles.map((p, j) => (j === k ? -p : p)));
    const a = { text: preferred.text, id: preferred.id };
    const b = { text: flipped.text, id: flipped.id };
    const label = labeler.label(row, a, b);
    if (label.winner === 0) continue;
    const [chosen, rejected] = label.winner > 0 ? [a, b] : [b, a];
    out.push({
      id: `pole:${row.personaId}:${row.questionId}:${q.axes[k]}`,
      set: 'pole',
      personaId: row.personaId,
      questionId: row.questionId,
      instruction: row.instruction,
      chosen: chosen.text,
      rejected: rejected.text,
      chosenId: chosen.id,
      rejectedId: rejected.id,
      strength: label.strength,
    });
  }
  return out;
}
