// The external judge as the Compare view mounts it: the finished side-by-side run's answers (each
// column's first sample) handed to ExternalJudgePanel as pairs, every persona shown judged between
// every two columns. Reads the Compare stores, changes nothing in them.
import type { CompareCatalog } from '../../protocol/models';
import { useColumnsRun } from '../../store/columns';
import { comparePairs, type JudgeColumn } from './compare-pairs';
import { ExternalJudgePanel } from './ExternalJudgePanel';

/** The persona's lines the judge reads: the attributes that drive the built-in world's tastes
 * (what the built-in model reads, and short enough for its 512-token context), else all. */
function personaText(attributes: ReadonlyArray<[string, string]>, keys: readonly string[]): string {
  const picked = keys.length > 0 ? attributes.filter(([k]) => keys.includes(k)) : attributes;
  return picked.map(([k, v]) => `${k}: ${v}`).join('\n');
}

export function CompareJudge({ catalog }: { catalog: CompareCatalog }) {
  const run = useColumnsRun();
  let columns: JudgeColumn[] = [];
  if (run.kind === 'done') {
    columns = run.request.columns.flatMap((c, i) => {
      const persona = catalog.personas.find((p) => p.id === c.personaId);
      const answer = run.outcome.answers.find((a) => a.column === i && a.sample === 0);
      if (!persona || !answer) return [];
      return [
        {
          personaId: persona.id,
          personaText: personaText(persona.attributes, catalog.modelAttributes),
          answer: answer.text,
          label: `Column ${i + 1} (${run.outcome.modelLabels[i]} for ${persona.id})`,
        },
      ];
    });
  }
  const requests = run.kind === 'done' ? comparePairs(run.outcome.instruction, columns, run.request.seed) : [];
  return <ExternalJudgePanel requests={requests} />;
}
