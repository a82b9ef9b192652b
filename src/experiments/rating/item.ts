// A rating item from two generated answers: shown in a seeded order (A/B by a coin drawn from the
// seed and the item's content, so the same answers show the same way on every rater's screen and
// across reloads), with an id that does not depend on that order.
import type { RatedAnswer, RatingItem } from '../../protocol/rating';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';

export interface ItemContent {
  datasetId: string;
  instructionId: string;
  instruction: string;
  personaId: string;
  personaLabel: string;
}

/** An id from the content alone: dataset, instruction, persona, and both answers in either order. */
const sideKey = (a: RatedAnswer) => `${a.modelId}\u0001${a.writtenFor}\u0001${a.text}`;

export function itemId(c: Pick<ItemContent, 'datasetId' | 'instructionId' | 'personaId'>, answers: readonly RatedAnswer[]): string {
  const sides = answers.map(sideKey).sort();
  const key = [c.datasetId, c.instructionId, c.personaId, ...sides].join('\u0000');
  return `i${fnv1a32(key).toString(36)}${fnv1a32(`salt:${key}`).toString(36)}`;
}

export function ratingItem(c: ItemContent, first: RatedAnswer, second: RatedAnswer, seed: number): RatingItem {
  const id = itemId(c, [first, second]);
  // Canonical order first, so the shown order depends on the content and seed, not the caller.
  const [x, y] = sideKey(first) <= sideKey(second) ? [first, second] : [second, first];
  const swap = new Rng(seed).fork(`order-${id}`).next() < 0.5;
  return { id, ...c, answers: swap ? [y, x] : [x, y] };
}

/** How an answer's author is aggregated: its model, and whether it was written for someone else. */
export function systemOf(modelLabel: string, writtenFor: string, judgedFor: string): string {
  return writtenFor === judgedFor ? modelLabel : `${modelLabel} · for another persona`;
}
