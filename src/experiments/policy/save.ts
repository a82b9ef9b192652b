// A trained policy as files another tool (or the Compare view) can load: full finetuning writes
// model.safetensors with the Hugging Face tensor names (beside the base's config and tokenizer,
// which the caller copies); LoRA writes the adapter in PEFT's layout (adapter_config.json names
// the base policy).
import type { LlamaModel } from '../../models/llama/model';
import type { LoraAdapter } from '../../models/lora/adapter';
import { writeSafetensors } from '../../models/safetensors/writer';

export type PolicyFiles = Record<string, string | Uint8Array>;

export async function policyFiles(model: LlamaModel, adapter: LoraAdapter | null, baseName: string): Promise<{ kind: 'full' | 'lora'; files: PolicyFiles }> {
  if (adapter) return { kind: 'lora', files: { ...(await adapter.save(model.config, baseName)) } };
  const tensors = [];
  for (const [name, t] of model.namedParameters()) tensors.push({ name, shape: t.shape, data: (await t.data()) as Float32Array });
  return { kind: 'full', files: { 'model.safetensors': writeSafetensors(tensors, { format: 'pt' }) } };
}
