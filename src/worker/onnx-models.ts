// The ONNX model source in the worker: picked folders and hub/URL downloads into the model cache
// (checked whole first: models/onnx/cache.ts), the loader experiment runs use for arms whose
// model.onnx names a cache entry ('onnx:NAME'), and cached ONNX models as Compare columns (id
// 'onnx:NAME', generated with the graph's KV cache), and a cached ONNX model as the Compare view's
// judge. Runs take the WebGPU EP when they compute on WebGPU; columns and the judge run on WASM.
import type { OnnxLoader } from '../experiments/lm/loaded';
import { BUILTIN_CHAT_TEMPLATE } from '../models/builtin/spec';
import { pickedFiles } from '../models/checkpoint';
import { ModelCache } from '../models/hub/cache';
import { cachedOnnxFiles, fetchOnnxModel, ONNX_GROUP_PREFIX, onnxGroup, storeOnnxFiles } from '../models/onnx/cache';
import type { OnnxLm, OnnxProvider } from '../models/onnx/onnx-lm';
import type { TextTokenizer } from '../models/tokenizer';
import type { ModelOption } from '../protocol/rating';
import type { CheckedOnnx } from '../models/onnx/open';
import { loadOnnxModel, loadOnnxPreferring } from '../models/onnx/open';
import { judgeByReplyLikelihood } from '../models/reply-judge';
import { judgeLayout } from '../models/builtin/judge-prompt';
import type { OnnxFetchProgressView, OnnxFetchRequest, OnnxJudgeRequest, OnnxJudgeView, OnnxModelView } from '../protocol/onnx';

function view(group: string, c: CheckedOnnx): OnnxModelView {
  return { group, file: c.file, bytes: c.bytes.byteLength, layers: c.layout.numLayers, vocabSize: c.config.vocabSize, contextLength: c.config.contextLength, estimateBytes: c.estimate };
}

async function withCache<T>(fn: (cache: ModelCache) => Promise<T>): Promise<T> {
  const cache = await ModelCache.open();
  try {
    return await fn(cache);
  } finally {
    cache.close();
  }
}

/** A picked ONNX model folder (config.json, tokenizer files, onnx/model.onnx) into the cache as onnx:<folder>. */
export function importOnnxModel(files: File[]): Promise<OnnxModelView> {
  const folder = files.find((f) => f.webkitRelativePath)?.webkitRelativePath.split('/')[0] ?? 'picked';
  return withCache(async (cache) => {
    const { group, checked } = await storeOnnxFiles(cache, folder, pickedFiles(files, `the picked files (${folder})`));
    return view(group, checked);
  });
}

/** Downloads an ONNX model from the hub or a URL into the cache. */
export function downloadOnnxModel(req: OnnxFetchRequest, onProgress?: (p: OnnxFetchProgressView) => void): Promise<OnnxModelView> {
  const loc = req.kind === 'hub' ? { kind: 'hub' as const, hub: { repo: req.repo, revision: req.revision || undefined, endpoint: req.endpoint } } : { kind: 'url' as const, baseUrl: req.baseUrl };
  return withCache(async (cache) => {
    const { group, checked } = await fetchOnnxModel(cache, loc, { token: req.token || undefined, onProgress: (p) => onProgress?.({ file: p.file, receivedBytes: p.receivedBytes, totalBytes: p.totalBytes ?? null }) });
    return view(group, checked);
  });
}

/**
 * Experiment runs: model.onnx names a cache entry ('onnx:NAME', or NAME), run on the execution
 * provider the run's backend asks for (WebGPU when the run computes on WebGPU, else WASM); a
 * WebGPU EP that cannot start leaves the model on WASM, and the run's record says why.
 */
export function onnxRunLoader(provider: OnnxProvider): OnnxLoader {
  return async (location) => {
    const group = onnxGroup(location);
    const cache = await ModelCache.open();
    try {
      const { lm, tokenizer, file, asked, fallback } = await loadOnnxPreferring(await cachedOnnxFiles(cache, group), provider);
      return {
        name: `ONNX model ${group} (${file}, onnxruntime-web ${lm.provider})`,
        inference: lm,
        tokenizer,
        builtin: tokenizer.chatTemplate === BUILTIN_CHAT_TEMPLATE,
        dispose: () => lm.dispose(),
        onnx: { provider: lm.provider, asked, ...(fallback ? { fallback } : {}) },
      };
    } finally {
      cache.close();
    }
  };
}

/** Compare columns: every ONNX model in the cache, by its group ('onnx:NAME'). */
export async function onnxColumnOptions(): Promise<ModelOption[]> {
  // Without a model cache (no IndexedDB) there are no ONNX columns; the others stay listed.
  const groups = await withCache(async (cache) => (await cache.list()).filter((g) => g.group.startsWith(ONNX_GROUP_PREFIX))).catch(() => []);
  return groups.map((g) => ({ id: g.group, label: `${g.group.slice(ONNX_GROUP_PREFIX.length)} (ONNX)`, about: 'an ONNX model from the model cache, run by onnxruntime-web (wasm); persona in the prompt', available: true }));
}

const columns = new Map<string, Promise<{ lm: OnnxLm; tokenizer: TextTokenizer }>>();

/** An ONNX model for a Compare column, loaded once per group (its session kept for later columns). */
export function onnxColumnModel(group: string): Promise<{ lm: OnnxLm; tokenizer: TextTokenizer }> {
  let p = columns.get(group);
  if (!p) {
    p = withCache(async (cache) => loadOnnxModel(await cachedOnnxFiles(cache, group)));
    columns.set(group, p);
    p.catch(() => columns.delete(group));
  }
  return p;
}

/** Forgets a column's session (its cache entry was deleted). */
export async function dropOnnxColumn(group: string): Promise<void> {
  const p = columns.get(group);
  columns.delete(group);
  await (await p?.catch(() => null))?.lm.dispose();
}

/** A cached ONNX model judges one pair by the likelihood method (its session shared with Compare columns); the built-in model's export reads the persona first, as on our engine. */
export async function judgeWithOnnx(req: OnnxJudgeRequest): Promise<OnnxJudgeView> {
  const { lm, tokenizer } = await onnxColumnModel(onnxGroup(req.group));
  const j = await judgeByReplyLikelihood(lm, tokenizer, req, { who: req.group, layout: judgeLayout });
  return { ...j, provider: lm.provider };
}
