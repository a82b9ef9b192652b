// A trained policy as files another tool (or the Compare view) can load: full finetuning writes
// model.safetensors with the Hugging Face tensor names (beside the base's config and tokenizer,
// which the caller copies); LoRA writes the adapter in PEFT's layout (adapter_config.json names
// the base policy). A folder written for others also gets the policy's card (POLICY_CARD): which
// persona lines the arm reads and in which layout, so the Compare view prompts a loaded folder as
// the run evaluated it.
import type { GateSite, LlamaModel } from '../../models/llama/model';
import type { AttributeKey } from '../../data';
import type { PolicySpec } from '../../protocol/policy';
import { resolveSubset } from '../spec/expand';
import type { LoraAdapter } from '../../models/lora/adapter';
import { writeSafetensors } from '../../models/safetensors/writer';
import { SafetensorsFile } from '../../models/safetensors/file';
import { bytesSource } from '../../util/byte-source';
import { ConditionEmbedding, type HostConditionTable } from '../../train/policy/condition-embedding';
import type { Tensor } from '../../tensor';

export type PolicyFiles = Record<string, string | Uint8Array>;

/** A policy's learned conditioning embedding beside its weights: tensor `condition.table` [F, C], its feature names in the metadata. */
export const CONDITION_FILE = 'persona_lab_condition.safetensors';

export class SavedConditionError extends Error {
  override name = 'SavedConditionError';
}

/** A conditioning table already read to the host (what readSavedCondition returns). */
export interface HostCondition extends HostConditionTable {
  features: readonly string[];
}

export async function policyFiles(model: LlamaModel, adapter: LoraAdapter | null, baseName: string, condition: ConditionEmbedding | HostCondition | null = null): Promise<{ kind: 'full' | 'lora'; files: PolicyFiles }> {
  const extra: PolicyFiles = condition ? { [CONDITION_FILE]: await conditionFile(condition) } : {};
  if (adapter) return { kind: 'lora', files: { ...(await adapter.save(model.config, baseName)), ...extra } };
  const tensors = [];
  for (const [name, t] of model.namedParameters()) tensors.push({ name, shape: t.shape, data: (await t.data()) as Float32Array });
  return { kind: 'full', files: { 'model.safetensors': writeSafetensors(tensors, { format: 'pt' }), ...extra } };
}

async function conditionFile(c: ConditionEmbedding | HostCondition): Promise<Uint8Array> {
  const host = c instanceof ConditionEmbedding ? await hostCondition(c) : c;
  const rows = host.features.length * (host.parts ?? 1);
  const gate = host.gate
    ? [
        { name: 'condition.gate_keys', shape: [rows, host.width], data: host.gate.keys },
        { name: 'condition.gate_bias', shape: [rows], data: host.gate.bias },
      ]
    : [];
  const metadata: Record<string, string> = { format: 'pt', features: JSON.stringify(host.features) };
  if (host.gate) metadata.gate_site = host.gate.site ?? 'blocks';
  if ((host.parts ?? 1) > 1) metadata.gate_parts = String(host.parts);
  if (host.squash) metadata.input_squash = String(host.squash);
  return writeSafetensors([{ name: 'condition.table', shape: [rows, host.width], data: host.table }, ...gate], metadata);
}

/** A trained embedding's table (and gate) read to the host. */
export async function hostCondition(c: ConditionEmbedding): Promise<HostCondition & { features: string[] }> {
  const read = async (t: Tensor) => (await t.data()) as Float32Array;
  const gate = c.gate ? { gate: { keys: await read(c.gate.keys), bias: await read(c.gate.bias), site: c.gateSite }, ...(c.gateParts > 1 ? { parts: c.gateParts } : {}) } : {};
  return { features: c.features.slice(), width: c.width, table: await read(c.table), ...gate, ...(c.squash > 0 ? { squash: c.squash } : {}) };
}

/** A saved policy's conditioning table read back (null when it has none). */
export async function readSavedCondition(files: PolicyFiles): Promise<(HostCondition & { features: string[] }) | null> {
  const bytes = files[CONDITION_FILE];
  if (bytes === undefined) return null;
  if (typeof bytes === 'string') throw new SavedConditionError(`${CONDITION_FILE}: expected bytes, got text`);
  const f = await SafetensorsFile.open(bytesSource(bytes, CONDITION_FILE));
  const info = f.info('condition.table');
  let features: unknown;
  try {
    features = JSON.parse(f.metadata.features ?? 'null');
  } catch {
    features = null;
  }
  // Files written before gated parts per feature existed have no gate_parts: one row per feature.
  const parts = Number(f.metadata.gate_parts ?? '1');
  if (!Number.isInteger(parts) || parts < 1 || parts > 64) throw new SavedConditionError(`${CONDITION_FILE}: gate_parts is "${f.metadata.gate_parts}"; expected a whole number from 1 to 64`);
  if (!info || info.shape.length !== 2 || !Array.isArray(features) || features.length * parts !== info.shape[0] || !features.every((x) => typeof x === 'string')) {
    throw new SavedConditionError(`${CONDITION_FILE}: needs a 2-D tensor condition.table and one feature name per row${parts > 1 ? ` (per ${parts} rows)` : ''} in its metadata`);
  }
  const F = info.shape[0];
  const keys = f.info('condition.gate_keys');
  const bias = f.info('condition.gate_bias');
  if ((keys === undefined) !== (bias === undefined) || (keys && (keys.shape.join() !== `${F},${info.shape[1]}` || bias!.shape.join() !== `${F}`))) {
    throw new SavedConditionError(`${CONDITION_FILE}: a gate needs both condition.gate_keys [${F}, ${info.shape[1]}] and condition.gate_bias [${F}]`);
  }
  if (parts > 1 && !keys) throw new SavedConditionError(`${CONDITION_FILE}: gate_parts ${parts} without a gate`);
  // Files written before the head site existed have no gate_site: their gates are read at the blocks.
  const site = f.metadata.gate_site ?? 'blocks';
  if (!isGateSite(site)) throw new SavedConditionError(`${CONDITION_FILE}: gate_site is "${site}"; expected "blocks" or "head"`);
  const gate = keys ? { gate: { keys: await f.readFloat32('condition.gate_keys'), bias: await f.readFloat32('condition.gate_bias'), site }, ...(parts > 1 ? { parts } : {}) } : {};
  // Files written before squashed inputs existed have no input_squash: their inputs are read as given.
  const squash = Number(f.metadata.input_squash ?? '0');
  if (!(Number.isFinite(squash) && squash >= 0 && squash <= 100)) throw new SavedConditionError(`${CONDITION_FILE}: input_squash is "${f.metadata.input_squash}"; expected a number from 0 to 100`);
  return { features: features as string[], width: info.shape[1], table: await f.readFloat32('condition.table'), ...gate, ...(squash > 0 ? { squash } : {}) };
}

function isGateSite(s: string): s is GateSite {
  return s === 'blocks' || s === 'head';
}

/** The card's file name beside a saved policy's files. */
export const POLICY_CARD = 'persona_lab_policy.json';

export interface PolicyCard {
  format: 'persona-lab-policy';
  version: 1;
  runId: string;
  arm: number;
  label: string;
  /** The base it was trained from ('builtin': the persona-reading model, whose turns start with a style line). */
  base: PolicySpec['base']['kind'];
  /** The persona lines the policy reads (none: a marginal policy). */
  conditioning: { name: string; keys: AttributeKey[] };
  styled: boolean;
  /**
   * A directional policy (method directional-dpo): it reads a direction over these objectives, as
   * text where `placement` says, or as u · E from the folder's CONDITION_FILE (`embedding`),
   * written with `guidance` and the plausibility constraint `plausibility` (absent in cards written
   * before it: 0; how the table reads each component, `input_squash`, is in that file).
   * Absent: a persona policy.
   */
  directional?: { objectives: string[]; placement: 'system' | 'question' | 'embedding'; guidance: number; plausibility?: number };
}

/** The card of arm `arm`; `objectives`: a directional arm's (its reward model's), which the spec alone does not name. */
export function policyCard(spec: PolicySpec, runId: string, arm: number, objectives?: readonly string[]): PolicyCard {
  const subset = resolveSubset(spec.arms[arm].conditioning);
  const m = spec.arms[arm].method;
  const directional = m.kind === 'directional-dpo' && objectives ? { directional: { objectives: [...objectives], placement: m.placement, guidance: m.guidance, plausibility: m.plausibility } } : {};
  return { format: 'persona-lab-policy', version: 1, runId, arm, label: spec.arms[arm].label, base: spec.base.kind, conditioning: { name: subset.name, keys: [...subset.keys] }, styled: spec.base.kind === 'builtin', ...directional };
}

/** A card's text read back; null when it is not one (the folder is then an ordinary checkpoint). */
export function parsePolicyCard(text: string): PolicyCard | null {
  try {
    const c = JSON.parse(text) as Partial<PolicyCard>;
    if (c.format !== 'persona-lab-policy' || c.version !== 1 || !Array.isArray(c.conditioning?.keys) || typeof c.styled !== 'boolean') return null;
    const d = c.directional;
    if (d !== undefined && !(Array.isArray(d.objectives) && d.objectives.every((o) => typeof o === 'string') && ['system', 'question', 'embedding'].includes(d.placement) && typeof d.guidance === 'number' && d.guidance >= 0 && (d.plausibility === undefined || (typeof d.plausibility === 'number' && d.plausibility >= 0 && d.plausibility < 1)))) return null;
    return c as PolicyCard;
  } catch {
    return null;
  }
}
