// The way back from a TRL run: its output folder as checkpoint files the lab loads. A full
// checkpoint (config.json, model*.safetensors, tokenizer.json) is taken as it is; a PEFT LoRA
// adapter (adapter_config.json, adapter_model.safetensors) is checked against the base it is
// applied to — base_model_name_or_path and every tensor's shape — and merged into the base's
// weights in closed form, W + scale · B A (PEFT's merge_and_unload), so the result is an ordinary
// checkpoint every part of the lab (evaluation, Compare, the CLI's --model-dir) loads. Everything
// is computed before anything is returned: a bad input throws and leaves nothing to store.
import type { CheckpointFiles } from '../checkpoint';
import { parseModelConfig, type ModelConfig } from '../config';
import { ModelError } from '../errors';
import { loraModules, loraScale } from '../lora/config';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, loadAdapter, parseAdapterConfig } from '../lora/io';
import { SafetensorsFile } from '../safetensors/file';
import { writeSafetensors, type TensorToWrite } from '../safetensors/writer';

export class TrlImportError extends ModelError {
  override name = 'TrlImportError';
}

export class BaseModelMismatchError extends TrlImportError {
  override name = 'BaseModelMismatchError';
}

export interface ImportedFile {
  name: string;
  bytes: Uint8Array;
}

export type TrlOutputKind = 'adapter' | 'checkpoint';

export const TRAINER_STATE = 'trainer_state.json';
/** Files of a checkpoint folder the lab keeps (weights, index, config, tokenizer). */
const CHECKPOINT_FILE = /^(config\.json|generation_config\.json|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json|model(-\d+-of-\d+)?\.safetensors|model\.safetensors\.index\.json)$/;

async function bytesOf(files: CheckpointFiles, name: string): Promise<Uint8Array> {
  const s = await files.get(name);
  if (!s) throw new TrlImportError(`${files.where} has no ${name}`);
  return s.read(0, s.size);
}

const text = async (files: CheckpointFiles, name: string) => new TextDecoder().decode(await bytesOf(files, name));

export function trlOutputKind(files: CheckpointFiles): TrlOutputKind {
  const names = new Set(files.names());
  if (names.has(ADAPTER_CONFIG) || names.has(ADAPTER_WEIGHTS)) {
    if (!names.has(ADAPTER_CONFIG) || !names.has(ADAPTER_WEIGHTS)) throw new TrlImportError(`${files.where} holds only one of ${ADAPTER_CONFIG} and ${ADAPTER_WEIGHTS}; a PEFT adapter needs both`);
    return 'adapter';
  }
  const missing = ['config.json', 'tokenizer.json'].filter((n) => !names.has(n));
  if (![...names].some((n) => /^model(-\d+-of-\d+)?\.safetensors$/.test(n))) missing.push('model.safetensors');
  if (missing.length) throw new TrlImportError(`${files.where} is neither a PEFT adapter (${ADAPTER_CONFIG} + ${ADAPTER_WEIGHTS}) nor a full checkpoint: it lacks ${missing.join(', ')} (save with trainer.save_model(); a tokenizer is saved with it when processing_class is given)`);
  return 'checkpoint';
}

/** The last path component of a model id or folder ("Qwen/Qwen2.5-0.5B" -> "qwen2.5-0.5b"). */
const tail = (s: string) => s.replace(/[\\/]+$/, '').split(/[\\/]/).pop()!.toLowerCase();

/** A full checkpoint's files, unchanged. */
export async function checkpointFromOutput(out: CheckpointFiles): Promise<ImportedFile[]> {
  parseModelConfig(await text(out, 'config.json'));
  return Promise.all(out.names().filter((n) => CHECKPOINT_FILE.test(n)).map(async (name) => ({ name, bytes: await bytesOf(out, name) })));
}

/**
 * The base's checkpoint with the adapter merged in. `baseName`: the base as the user named it
 * (its folder or hub id); its last component must match the adapter's base_model_name_or_path
 * unless `ignoreBaseName` (a renamed folder), and every adapter tensor must fit the base.
 */
export async function mergeAdapterOutput(out: CheckpointFiles, base: CheckpointFiles, baseName: string, o: { ignoreBaseName?: boolean } = {}): Promise<{ files: ImportedFile[]; config: ModelConfig }> {
  const configText = await text(out, ADAPTER_CONFIG);
  const adapterConfig = parseAdapterConfig(configText);
  const baseConfigRaw = JSON.parse(await text(base, 'config.json')) as { _name_or_path?: unknown };
  const config = parseModelConfig(baseConfigRaw);
  const claimed = adapterConfig.baseModel;
  const names = [baseName, typeof baseConfigRaw._name_or_path === 'string' ? baseConfigRaw._name_or_path : ''].filter(Boolean).map(tail);
  if (claimed && !o.ignoreBaseName && !names.includes(tail(claimed))) {
    throw new BaseModelMismatchError(`the adapter was trained on "${claimed}" but the base given is "${baseName}": give the folder of ${claimed} as the base (or, if it is that model under another name, say so explicitly)`);
  }
  let adapter;
  try {
    adapter = await loadAdapter(configText, await bytesOf(out, ADAPTER_WEIGHTS), config);
  } catch (e) {
    throw new BaseModelMismatchError(`the adapter does not fit ${baseName} (hidden size ${config.hiddenSize}, ${config.numLayers} layers): ${(e as Error).message}`);
  }
  const scale = loraScale(adapter.config);
  const deltas = new Map(loraModules(config, adapter.config).map((m) => [`${m.path}.weight`, m]));
  const files: ImportedFile[] = [];
  const merged = new Set<string>();
  for (const name of base.names().filter((n) => CHECKPOINT_FILE.test(n))) {
    if (!name.endsWith('.safetensors')) {
      files.push({ name, bytes: await bytesOf(base, name) });
      continue;
    }
    const st = await SafetensorsFile.open((await base.get(name))!);
    const tensors: TensorToWrite[] = [];
    for (const t of st.names()) {
      const info = st.info(t)!;
      const m = deltas.get(t);
      if (!m) {
        if (info.dtype === 'I32' || info.dtype === 'I64') tensors.push({ name: t, shape: info.shape, data: await st.readInt32(t), dtype: info.dtype });
        else tensors.push({ name: t, shape: info.shape, data: await st.readFloat32(t), dtype: info.dtype as TensorToWrite['dtype'] });
        continue;
      }
      const W = await st.readFloat32(t);
      const { A, B } = adapter.weights.get(m.path)!;
      const r = adapter.config.rank;
      // W[o, i] += scale * sum_k B[o, k] A[k, i], accumulated in float64.
      for (let oi = 0; oi < m.outFeatures; oi++) {
        for (let ii = 0; ii < m.inFeatures; ii++) {
          let s = 0;
          for (let k = 0; k < r; k++) s += B[oi * r + k] * A[k * m.inFeatures + ii];
          W[oi * m.inFeatures + ii] += scale * s;
        }
      }
      merged.add(t);
      tensors.push({ name: t, shape: info.shape, data: W, dtype: info.dtype as TensorToWrite['dtype'] });
    }
    files.push({ name, bytes: writeSafetensors(tensors, st.metadata) });
  }
  const lost = [...deltas.keys()].filter((t) => !merged.has(t));
  if (lost.length) throw new BaseModelMismatchError(`${baseName} has no weight ${lost[0]} for the adapter to change`);
  return { files, config };
}
