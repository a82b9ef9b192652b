// The Compare view's trained-policy columns, `policy:<runId>:<arm>`: every trained arm of the
// saved policy runs (Policies view) as a column option, named by run, arm, method and date, and
// the arm's policy loaded for generation: its kept files (./policy-weights.ts) over the base the
// run started from (the app's own built-in folders), with the arm's conditioning subset and the
// base's layout, so a column writes exactly as the run's evaluation did.
import { CONDITION_FILE, readSavedCondition } from '../experiments/policy/save';
import type { AttributeSubset } from '../data';
import type { LlamaModel } from '../models/llama/model';
import type { TextTokenizer } from '../models/tokenizer';
import { loadModel } from '../models/load-model';
import { resolveSubset } from '../experiments/spec/expand';
import { savedPolicyCheckpoint } from '../experiments/policy/saved-policy';
import type { PolicyLayout } from '../experiments/policy/prompts';
import type { PolicyRecord } from '../protocol/policy';
import type { ModelOption } from '../protocol/rating';
import { backendFor } from './backend';
import { builtinBaseUrl, fetchBuiltinFiles } from './builtin-files';
import { listPolicyRuns } from './policies';
import { armPolicyKeys, getArmPolicy } from './policy-weights';
import type { HostConditionTable } from '../train/policy/condition-embedding';

export const POLICY_COLUMN_PREFIX = 'policy:';

export class PolicyColumnError extends Error {
  override name = 'PolicyColumnError';
}

export function policyColumnId(runId: string, arm: number): string {
  return `${POLICY_COLUMN_PREFIX}${runId}:${arm}`;
}

export function parsePolicyColumnId(id: string): { runId: string; arm: number } | null {
  const m = /^policy:(.+):(\d+)$/.exec(id);
  return m ? { runId: m[1], arm: Number(m[2]) } : null;
}

/** An arm that trains a policy (the baselines reuse the base's weights: nothing to compare). */
const trains = (r: PolicyRecord, arm: number) => !['roleplay', 'few-shot'].includes(r.spec.arms[arm]?.method.kind ?? 'roleplay');

const when = (iso: string) => new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** Every trained arm of the saved runs, newest run first; those without kept weights say why. */
export async function policyColumnOptions(): Promise<ModelOption[]> {
  const [runs, kept] = await Promise.all([listPolicyRuns(), armPolicyKeys()]);
  const out: ModelOption[] = [];
  for (const r of [...runs].reverse()) {
    r.arms.forEach((a, i) => {
      if (!trains(r, i)) return;
      const available = kept.has(`${r.id}#${i}`);
      out.push({
        id: policyColumnId(r.id, i),
        label: `${r.name}: ${a.label} (${a.method.split(' (')[0]}, ${when(r.createdAt)})`,
        about: `trained in the Policies view: ${a.method}; persona shown: ${a.conditioning}; ${a.training}; ${r.createdAt}`,
        available,
        ...(a.directional ? { objectives: a.directional.objectives } : {}),
        ...(a.directional && r.spec.arms[i].method.kind === 'directional-dpo' && r.spec.arms[i].method.squash > 0 ? { squash: r.spec.arms[i].method.squash } : {}),
        why: available ? undefined : a.status === 'done' ? 'its weights are not in this browser (a record imported from a file, or trained before the app kept policies): run it again here' : `not trained yet (${a.status}): resume the run in the Policies view`,
      });
    });
  }
  return out;
}

export interface PolicyColumn {
  label: string;
  model: LlamaModel;
  tokenizer: TextTokenizer;
  layout: PolicyLayout;
  subset: AttributeSubset;
  /** A directional policy's objectives (its prompt holds a direction over them, not a persona) and where the direction stands. */
  objectives?: string[];
  placement?: 'system' | 'question' | 'embedding';
  /** An embedding-placed directional policy's learned table (one row per objective). */
  condition?: HostConditionTable;
  /** Classifier-free guidance on that vector, as the run's judge wrote with it (method.guidance). */
  guidance?: number;
  /** The plausibility constraint when it writes, as the run's judge wrote with it (method.plausibility). */
  plausibility?: number;
}

/** Loads a trained arm's policy on the cpu backend (the app's policies are small). */
export async function loadPolicyColumn(id: string): Promise<PolicyColumn> {
  const ref = parsePolicyColumnId(id);
  if (!ref) throw new PolicyColumnError(`'${id}' is not a policy column id (policy:<runId>:<arm>)`);
  const record = (await listPolicyRuns()).find((r) => r.id === ref.runId);
  if (!record) throw new PolicyColumnError(`No saved policy run ${ref.runId} (deleted?): pick another model for this column.`);
  const arm = record.spec.arms[ref.arm];
  const saved = await getArmPolicy(ref.runId, ref.arm);
  if (!arm || !saved) throw new PolicyColumnError(`${record.name}: arm ${ref.arm + 1} has no kept policy: train it in the Policies view, or pick another model.`);
  const base = record.spec.base;
  if (base.kind === 'path') throw new PolicyColumnError(`${record.name} was trained from a folder on disk: load its saved folder in the Models panel instead.`);
  if (base.kind === 'onnx') throw new PolicyColumnError(`${record.name} ran on an ONNX model, which trains nothing: pick the ONNX model itself (onnx:NAME) for this column.`);
  const url = base.kind === 'builtin' ? builtinBaseUrl() : builtinBaseUrl().replace(/builtin\/$/, 'builtin-policy/');
  const { files } = await fetchBuiltinFiles(undefined, url);
  const label = `${record.name}: ${arm.label}`;
  const { backend } = await backendFor('cpu');
  const { model, tokenizer } = await loadModel(backend, await savedPolicyCheckpoint(saved, files, label));
  const objectives = record.arms[ref.arm]?.directional?.objectives;
  const placement = arm.method.kind === 'directional-dpo' ? arm.method.placement : undefined;
  const condition = await readSavedCondition(saved.files);
  if (placement === 'embedding' && !condition) throw new PolicyColumnError(`${label} reads its direction as a learned embedding, and its saved files lack ${CONDITION_FILE}: train it again.`);
  return {
    label,
    model,
    tokenizer,
    layout: { tokenizer, styled: base.kind === 'builtin' },
    subset: resolveSubset(arm.conditioning),
    ...(objectives ? { objectives, placement } : {}),
    ...(condition ? { condition } : {}),
    ...(condition && arm.method.kind === 'directional-dpo' && arm.method.guidance > 0 ? { guidance: arm.method.guidance } : {}),
    ...(condition && arm.method.kind === 'directional-dpo' && arm.method.plausibility > 0 ? { plausibility: arm.method.plausibility } : {}),
  };
}
