// LoRA adapters saved and loaded on their own, in PEFT's layout (adapter_config.json and
// adapter_model.safetensors with `base_model.model.<path>.lora_A.weight` names), so an adapter
// trained here loads in Python's peft and back. Loading checks every tensor against the model it
// is applied to, and refuses PEFT options we do not implement by name.
import type { ModelConfig } from '../config';
import { bytesSource } from '../../util/byte-source';
import { SafetensorsFile } from '../safetensors/file';
import { writeSafetensors, type TensorToWrite } from '../safetensors/writer';
import { LORA_TARGETS, LoraConfigError, loraModules, validateLoraConfig, type LoraConfig, type LoraTarget, type LoraWeights } from './config';

export const ADAPTER_CONFIG = 'adapter_config.json';
export const ADAPTER_WEIGHTS = 'adapter_model.safetensors';

const prefix = (path: string) => `base_model.model.${path}`;

export interface SavedAdapter {
  [ADAPTER_CONFIG]: string;
  [ADAPTER_WEIGHTS]: Uint8Array;
}

export function saveAdapter(c: LoraConfig, model: ModelConfig, weights: ReadonlyMap<string, LoraWeights>, baseModel = ''): SavedAdapter {
  const tensors: TensorToWrite[] = [];
  for (const m of loraModules(model, c)) {
    const w = weights.get(m.path);
    if (!w) throw new LoraConfigError(`no LoRA weights for ${m.path}`);
    tensors.push({ name: `${prefix(m.path)}.lora_A.weight`, shape: [c.rank, m.inFeatures], data: w.A });
    tensors.push({ name: `${prefix(m.path)}.lora_B.weight`, shape: [m.outFeatures, c.rank], data: w.B });
  }
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: baseModel,
    r: c.rank,
    lora_alpha: c.alpha,
    lora_dropout: c.dropout,
    target_modules: c.targets,
    use_rslora: c.rslora ?? false,
    bias: 'none',
    fan_in_fan_out: false,
    use_dora: false,
    modules_to_save: null,
  };
  return { [ADAPTER_CONFIG]: JSON.stringify(config, null, 2), [ADAPTER_WEIGHTS]: writeSafetensors(tensors, { format: 'pt' }) };
}

/** Parses a PEFT adapter_config.json into a LoraConfig; refuses what we cannot apply. */
export function parseAdapterConfig(text: string): LoraConfig & { baseModel: string } {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LoraConfigError(`${ADAPTER_CONFIG} is not JSON: ${(e as Error).message}`);
  }
  if (raw.peft_type !== 'LORA') throw new LoraConfigError(`${ADAPTER_CONFIG}: peft_type ${JSON.stringify(raw.peft_type)} is not supported (only LORA)`);
  const refuse = (field: string, ok: (v: unknown) => boolean, why: string) => {
    if (raw[field] !== undefined && !ok(raw[field])) throw new LoraConfigError(`${ADAPTER_CONFIG}: ${field} = ${JSON.stringify(raw[field])} is not supported (${why})`);
  };
  refuse('use_dora', (v) => v === false, 'DoRA is not implemented');
  refuse('fan_in_fan_out', (v) => v === false, 'only [out, in] linear weights');
  refuse('bias', (v) => v === 'none', 'adapters that train biases are not implemented');
  refuse('modules_to_save', (v) => v === null || (Array.isArray(v) && v.length === 0), 'fully trained extra modules are not implemented');
  refuse('layers_to_transform', (v) => v === null, 'all layers are adapted');
  refuse('rank_pattern', (v) => v === null || (typeof v === 'object' && Object.keys(v as object).length === 0), 'one rank for every module');
  refuse('alpha_pattern', (v) => v === null || (typeof v === 'object' && Object.keys(v as object).length === 0), 'one alpha for every module');
  let targets = raw.target_modules;
  if (targets === 'all-linear') targets = [...LORA_TARGETS];
  if (!Array.isArray(targets)) throw new LoraConfigError(`${ADAPTER_CONFIG}: target_modules must be a list of projection names (a regular expression is not supported)`);
  return {
    ...validateLoraConfig({
      rank: raw.r as number,
      alpha: (raw.lora_alpha as number) ?? 8,
      dropout: (raw.lora_dropout as number) ?? 0,
      targets: targets as LoraTarget[],
      rslora: raw.use_rslora === true,
    }),
    baseModel: typeof raw.base_model_name_or_path === 'string' ? raw.base_model_name_or_path : '',
  };
}

export async function loadAdapter(configText: string, weightBytes: Uint8Array, model: ModelConfig): Promise<{ config: LoraConfig & { baseModel: string }; weights: Map<string, LoraWeights> }> {
  const config = parseAdapterConfig(configText);
  const file = await SafetensorsFile.open(bytesSource(weightBytes, ADAPTER_WEIGHTS));
  const weights = new Map<string, LoraWeights>();
  const expected = new Set<string>();
  for (const m of loraModules(model, config)) {
    const read = async (which: 'A' | 'B', shape: number[]) => {
      const name = `${prefix(m.path)}.lora_${which}.weight`;
      expected.add(name);
      const info = file.info(name);
      if (!info) throw new LoraConfigError(`${ADAPTER_WEIGHTS} has no ${name}: was it trained for another model?`);
      if (info.shape.join() !== shape.join()) {
        throw new LoraConfigError(`${name} has shape [${info.shape.join(', ')}] but this model needs [${shape.join(', ')}]: the adapter was trained for another model`);
      }
      return file.readFloat32(name);
    };
    weights.set(m.path, { A: await read('A', [config.rank, m.inFeatures]), B: await read('B', [m.outFeatures, config.rank]) });
  }
  const extra = file.names().filter((n) => !expected.has(n));
  if (extra.length > 0) throw new LoraConfigError(`${ADAPTER_WEIGHTS} holds tensors this model has no place for: ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', ...' : ''}`);
  return { config, weights };
}
