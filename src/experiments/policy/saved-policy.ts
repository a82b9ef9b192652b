// A trained Stage-2 policy read back for generation (the Compare view's `policy:<runId>:<arm>`
// columns): the files the runner's savePolicy kept (./save.ts: full weights, or a PEFT LoRA
// adapter) over the base policy's checkpoint, as an ordinary checkpoint (a LoRA adapter merged in
// closed form by the TRL import's merge), and the prompt the arm was trained and judged on: the
// persona under the arm's attribute subset (none for a marginal policy) in the base's chat layout,
// its generated turn read back as the runner reads it (./prompts.ts).
import { type Attributes, type AttributeSubset } from '../../data';
import { conditionRows, type HostConditionTable } from '../../train/policy/condition-embedding';
import type { CheckpointFiles } from '../../models/checkpoint';
import { memoryFiles } from '../../models/io/memory-files';
import { mergeAdapterOutput } from '../../models/import/trl-output';
import { splitAssistantText } from '../../models/builtin/format';
import type { TextTokenizer } from '../../models/tokenizer';
import type { PolicyFiles } from './save';
import { answerOf, personaText, type PolicyLayout } from './prompts';
import { renderDialog } from '../lm/prompts';
import { directionalTurns, directionText, normalize, type DirectionPlacement } from './direction';

export interface SavedPolicy {
  kind: 'full' | 'lora';
  files: PolicyFiles;
}

export class SavedPolicyError extends Error {
  override name = 'SavedPolicyError';
}

/** The base's files with the trained weights in place of its own (a LoRA adapter merged into them). */
export async function savedPolicyCheckpoint(saved: SavedPolicy, base: Readonly<Record<string, string | Uint8Array>>, where: string): Promise<CheckpointFiles> {
  if (saved.kind === 'full') {
    if (!saved.files['model.safetensors']) throw new SavedPolicyError(`${where}: the saved policy has no model.safetensors`);
    // The base's own weights (one file or shards with their index) give way to the trained ones.
    const kept = Object.entries(base).filter(([name]) => !/\.safetensors(\.index\.json)?$/.test(name));
    return memoryFiles({ ...Object.fromEntries(kept), 'model.safetensors': saved.files['model.safetensors'] }, where);
  }
  // The runner names the base in words ("persona-blind SFT policy (weights …)"), not a folder:
  // the record says which base it is, so the name check is the caller's.
  const { files } = await mergeAdapterOutput(memoryFiles(saved.files, `${where} (adapter)`), memoryFiles(base, `${where} (base)`), '', { ignoreBaseName: true });
  return memoryFiles(Object.fromEntries(files.map((f) => [f.name, f.bytes])), where);
}

/** The prompt text an arm reads for a persona: its subset's persona lines (none when empty), then the question. */
export function policyPrompt(tok: TextTokenizer, attributes: Attributes, subset: AttributeSubset, instruction: string): string {
  return renderDialog(tok, personaText(attributes, subset), [{ role: 'user', content: instruction }]);
}

/** A direction as a directional policy reads it: normalized; none given or all zeros: every objective 0. */
function unitDirection(objectives: readonly string[], direction: readonly number[] | undefined): number[] {
  return direction && direction.length === objectives.length && direction.some((x) => x !== 0) ? normalize(direction) : objectives.map(() => 0);
}

/** The prompt a directional policy reads: the direction where it was trained to read it (its system message, after the question, or nowhere: `embedding`, see directionalCondition). */
export function directionalPrompt(tok: TextTokenizer, objectives: readonly string[], direction: readonly number[] | undefined, instruction: string, placement: DirectionPlacement = 'system'): string {
  const u = unitDirection(objectives, direction);
  const t = directionalTurns(placement, directionText(objectives, u), instruction);
  return renderDialog(tok, t.system, [{ role: 'user', content: t.user }]);
}

/** A generated turn as shown: the answer, and the style line when the base writes one first. */
export function policyShown(layout: PolicyLayout, generated: string): { text: string; style?: string } {
  if (!layout.styled) return { text: answerOf(layout, generated) };
  const s = splitAssistantText(generated);
  return { text: s.answer, style: s.style };
}

/** An embedding-placed directional policy's conditioning for a direction: u · E of its saved table, or with a gate the parts u_k E_k. */
export function directionalCondition(objectives: readonly string[], direction: readonly number[] | undefined, saved: HostConditionTable): Float32Array {
  return conditionRows(saved, [unitDirection(objectives, direction)]);
}
