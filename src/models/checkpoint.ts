// A Hugging Face checkpoint as a set of named files, wherever they come from (picked files, a
// folder in Node, the model cache), opened into what the model needs: the parsed config, the
// tokenizer checked against it, and the weights as a TensorStore (single file or sharded). Weights
// are not read here, only their headers; a memory estimate can be made before loading any.
import { parseModelConfig, type ModelConfig } from './config';
import { MissingFileError, MissingTensorError, TensorShapeError } from './errors';
import { blobSource, type ByteSource } from '../util/byte-source';
import { SafetensorsFile, type TensorStore } from './safetensors/file';
import { INDEX_FILE, ShardedSafetensors } from './safetensors/sharded';
import { TextTokenizer } from './tokenizer';

/** Files of one checkpoint by base name ('config.json', 'model.safetensors', ...). */
export interface CheckpointFiles {
  /** Where the files came from, for messages ('picked files', a URL, a repo id). */
  readonly where: string;
  names(): string[];
  get(name: string): Promise<ByteSource | undefined>;
}

export interface OpenedCheckpoint {
  config: ModelConfig;
  tokenizer: TextTokenizer;
  weights: TensorStore;
  /** The weight files read (one, or the shards). */
  weightFiles: string[];
}

/** Files picked in a browser (an <input type=file multiple> or a dropped folder). */
export function pickedFiles(files: Iterable<File>, where = 'the picked files'): CheckpointFiles {
  const byName = new Map<string, File>();
  for (const f of files) byName.set(baseName(f.name), f);
  return {
    where,
    names: () => [...byName.keys()],
    get: async (name) => {
      const f = byName.get(name);
      return f && blobSource(f, name);
    },
  };
}

export async function readText(source: ByteSource): Promise<string> {
  return new TextDecoder().decode(await source.read(0, source.size));
}

export async function readConfig(files: CheckpointFiles): Promise<ModelConfig> {
  return parseModelConfig(await readText(await need(files, 'config.json')));
}

/** Opens the weights: model.safetensors, else model.safetensors.index.json and its shards. */
export async function openWeights(files: CheckpointFiles): Promise<{ store: TensorStore; files: string[] }> {
  const single = await files.get('model.safetensors');
  if (single) return { store: await SafetensorsFile.open(single), files: ['model.safetensors'] };
  const index = await files.get(INDEX_FILE);
  if (!index) throw new MissingFileError('model.safetensors', files.where);
  const store = await ShardedSafetensors.open(await readText(index), (shard) => files.get(shard));
  return { store, files: store.index.shards };
}

export async function openTokenizer(files: CheckpointFiles, config: ModelConfig | null): Promise<TextTokenizer> {
  const tj = await readText(await need(files, 'tokenizer.json'));
  const tcSource = await files.get('tokenizer_config.json');
  return TextTokenizer.fromJson(tj, tcSource ? await readText(tcSource) : {}, config);
}

export async function openCheckpoint(files: CheckpointFiles): Promise<OpenedCheckpoint> {
  const config = await readConfig(files);
  const tokenizer = await openTokenizer(files, config);
  const { store, files: weightFiles } = await openWeights(files);
  return { config, tokenizer, weights: store, weightFiles };
}

/**
 * Every tensor name the architecture reads, with the shape config.json implies ([out, in] for
 * linear weights, as transformers stores them). The model loader checks the store against this
 * before reading a byte of weights.
 */
export function expectedTensors(c: ModelConfig): Map<string, number[]> {
  const C = c.hiddenSize;
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const I = c.intermediateSize;
  const m = new Map<string, number[]>([['model.embed_tokens.weight', [c.vocabSize, C]]]);
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}.`;
    m.set(p + 'input_layernorm.weight', [C]);
    m.set(p + 'self_attn.q_proj.weight', [q, C]);
    m.set(p + 'self_attn.k_proj.weight', [kv, C]);
    m.set(p + 'self_attn.v_proj.weight', [kv, C]);
    m.set(p + 'self_attn.o_proj.weight', [C, q]);
    if (c.qkvBias) {
      m.set(p + 'self_attn.q_proj.bias', [q]);
      m.set(p + 'self_attn.k_proj.bias', [kv]);
      m.set(p + 'self_attn.v_proj.bias', [kv]);
    }
    if (c.oBias) m.set(p + 'self_attn.o_proj.bias', [C]);
    m.set(p + 'post_attention_layernorm.weight', [C]);
    m.set(p + 'mlp.gate_proj.weight', [I, C]);
    m.set(p + 'mlp.up_proj.weight', [I, C]);
    m.set(p + 'mlp.down_proj.weight', [C, I]);
    if (c.mlpBias) {
      m.set(p + 'mlp.gate_proj.bias', [I]);
      m.set(p + 'mlp.up_proj.bias', [I]);
      m.set(p + 'mlp.down_proj.bias', [C]);
    }
  }
  m.set('model.norm.weight', [C]);
  if (!c.tieWordEmbeddings) m.set('lm_head.weight', [c.vocabSize, C]);
  return m;
}

/** Throws MissingTensorError / TensorShapeError when the store lacks a tensor or a shape differs. */
export function checkWeights(c: ModelConfig, store: TensorStore): void {
  for (const [name, shape] of expectedTensors(c)) {
    const info = store.info(name);
    if (!info) throw new MissingTensorError(name);
    if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i])) throw new TensorShapeError(name, shape, info.shape);
  }
}

async function need(files: CheckpointFiles, name: string): Promise<ByteSource> {
  const s = await files.get(name);
  if (!s) throw new MissingFileError(name, files.where);
  return s;
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}
