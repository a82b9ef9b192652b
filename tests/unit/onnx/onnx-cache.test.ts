// ONNX models into the model cache and the errors of bad ones, against a local HTTP server this
// test starts (never the real hub): the hub URL layout with a token, then the cached model loads
// and scores as the folder does; a model that is not a decoder (no logits, no past key values),
// a missing tokenizer, a truncated .onnx, an fp16 graph and a model over the memory budget are
// each refused with their own error, and the cache holds nothing of them afterwards.
import 'fake-indexeddb/auto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnxMatmulModel } from '../../../src/bench/matmul-onnx';
import { nodeOnnxLoader } from '../../../src/experiments/node/load-onnx';
import { padBatch } from '../../../src/models/batch';
import { openCheckpoint } from '../../../src/models/checkpoint';
import { HttpStatusError } from '../../../src/models/errors';
import { ModelCache } from '../../../src/models/hub/cache';
import { folderFiles } from '../../../src/models/io/node-files';
import { memoryFiles } from '../../../src/models/io/memory-files';
import { cachedOnnxFiles, fetchOnnxModel, storeOnnxFiles } from '../../../src/models/onnx/cache';
import { MissingOnnxFileError, NotAnOnnxDecoderError, OnnxDtypeError, OnnxMissingFileError, OnnxTooLargeError, OnnxTruncatedError } from '../../../src/models/onnx/errors';
import { exportOnnxDecoder } from '../../../src/models/onnx/export-decoder';
import { GraphBuilder, ONNX_DTYPE } from '../../../src/models/onnx/graph-builder';
import { inspectOnnx } from '../../../src/models/onnx/inspect';
import { checkDecoder, parseOnnxConfig } from '../../../src/models/onnx/layout';
import { onnxFolderFiles } from '../../../src/models/onnx/node-folder';
import { loadOnnxModel } from '../../../src/models/onnx/open';

const FIXTURE = 'tests/fixtures/onnx-decoder';
const REPO = '/org/tiny-onnx/resolve/main/';
const TOKEN = 'hf_test_token';

const good: Record<string, Uint8Array> = {};
let server: Server;
let base = '';
/** What the server holds now, by path after the repo prefix. */
let served: Record<string, Uint8Array> = {};
let cache: ModelCache;

beforeAll(async () => {
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) good[f] = new Uint8Array(await readFile(`${FIXTURE}/${f}`));
  server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401, 'Unauthorized').end();
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const body = path.startsWith(REPO) ? served[path.slice(REPO.length)] : undefined;
    if (!body) return void res.writeHead(404, 'Not Found').end();
    res.writeHead(200, { 'Content-Length': body.length }).end(Buffer.from(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cache = await ModelCache.open('onnx-cache-test');
});
afterAll(async () => {
  cache.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const hub = () => ({ kind: 'hub' as const, hub: { repo: 'org/tiny-onnx', endpoint: base } });
const fast = { token: TOKEN, maxAttempts: 1 };

async function expectNothingCached(): Promise<void> {
  expect((await cache.list()).map((g) => g.group)).toEqual([]);
}

describe('ONNX models from the hub URL layout into the model cache', () => {
  it('downloads with the token, lists size, loads from the cache and scores as the folder does, and deletes', async () => {
    served = { ...good };
    const progress: string[] = [];
    const { group, checked } = await fetchOnnxModel(cache, hub(), { ...fast, onProgress: (p) => progress.push(p.file) });
    expect(group).toBe(`onnx:hf:org/tiny-onnx@main (${base})`);
    expect(checked.layout.numLayers).toBe(2);
    expect(new Set(progress)).toEqual(new Set(Object.keys(good)));
    const listed = (await cache.list()).find((g) => g.group === group)!;
    expect(listed.bytes).toBe(Object.values(good).reduce((n, b) => n + b.length, 0));

    const fromCache = await loadOnnxModel(await cachedOnnxFiles(cache, group));
    const fromFolder = await loadOnnxModel(await onnxFolderFiles(FIXTURE));
    const batch = padBatch([fromFolder.tokenizer.encode('The cat sat.')], fromFolder.tokenizer.padId);
    expect(Array.from(await fromCache.lm.logits(batch))).toEqual(Array.from(await fromFolder.lm.logits(batch)));
    await fromCache.lm.dispose();
    await fromFolder.lm.dispose();

    await cache.deleteGroup(group);
    await expectNothingCached();
  });

  it('the CLI reads a base URL by range requests (no cache in Node) and scores as the folder does', async () => {
    served = { ...good };
    const url = await nodeOnnxLoader({ token: TOKEN })(`${base}${REPO}`);
    const folder = await nodeOnnxLoader()(FIXTURE);
    const rows = [{ prompt: folder.tokenizer.encode('The cat'), response: folder.tokenizer.encode(' sat on the mat.') }];
    const o = { padId: folder.tokenizer.padId };
    expect(url.name).toBe(`ONNX model ${base}${REPO} (onnx/model.onnx, onnxruntime-web wasm)`);
    expect((await url.inference.score(rows, o)).sum).toEqual((await folder.inference.score(rows, o)).sum);
    await url.dispose?.();
    await folder.dispose?.();
    await expectNothingCached();
  });

  it('without the token: the server says 401 and nothing is cached', async () => {
    served = { ...good };
    await expect(fetchOnnxModel(cache, hub(), { maxAttempts: 1 })).rejects.toBeInstanceOf(HttpStatusError);
    await expectNothingCached();
  });

  it('a missing tokenizer: OnnxMissingFileError naming tokenizer.json, nothing cached', async () => {
    served = { ...good };
    delete served['tokenizer.json'];
    const e = await fetchOnnxModel(cache, hub(), fast).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OnnxMissingFileError);
    expect((e as Error).message).toContain("No 'tokenizer.json' in org/tiny-onnx");
    await expectNothingCached();
  });

  it('no fp32 .onnx file: MissingOnnxFileError, nothing cached', async () => {
    served = { ...good };
    delete served['onnx/model.onnx'];
    await expect(fetchOnnxModel(cache, hub(), fast)).rejects.toBeInstanceOf(MissingOnnxFileError);
    await expectNothingCached();
  });

  it('a truncated .onnx: OnnxTruncatedError saying the file was cut off, nothing cached', async () => {
    served = { ...good, 'onnx/model.onnx': good['onnx/model.onnx'].slice(0, 60_000) };
    const e = await fetchOnnxModel(cache, hub(), fast).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OnnxTruncatedError);
    expect((e as Error).message).toMatch(/onnx\/model\.onnx is not a complete ONNX model \(60000 bytes; .*cut off/);
    await expectNothingCached();
  });

  it('an ONNX file that is not a decoder (a one-node MatMul graph): NotAnOnnxDecoderError listing its inputs, nothing cached', async () => {
    served = { ...good, 'onnx/model.onnx': onnxMatmulModel([2, 3], [3, 4]) };
    const e = await fetchOnnxModel(cache, hub(), fast).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotAnOnnxDecoderError);
    expect((e as Error).message).toContain('no input input_ids; inputs: A, B; outputs: C');
    await expectNothingCached();
  });

  it('a model over the memory budget is refused from its size before the .onnx is downloaded', async () => {
    served = { ...good };
    const e = await fetchOnnxModel(cache, hub(), { ...fast, budgetBytes: 50_000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OnnxTooLargeError);
    expect((e as Error).message).toMatch(/needs about .* MiB to run and the memory budget allows/);
    await expectNothingCached();
  });
});

describe('ONNX files picked or on disk', () => {
  async function variant(o: Parameters<typeof exportOnnxDecoder>[2]): Promise<Uint8Array> {
    const ck = await openCheckpoint(await folderFiles('tests/fixtures/tiny-checkpoint/llama-f32'));
    return exportOnnxDecoder(ck.config, (n) => ck.weights.readFloat32(n), o);
  }
  const picked = (model: Uint8Array, drop: string[] = []) => {
    const files: Record<string, Uint8Array> = { ...good, 'model.onnx': model };
    delete files['onnx/model.onnx'];
    for (const d of drop) delete files[d];
    return memoryFiles(files, 'the picked files');
  };

  it('good files are stored under onnx/model.onnx and load back', async () => {
    const { group } = await storeOnnxFiles(cache, 'tiny picked', picked(good['onnx/model.onnx']));
    expect(group).toBe('onnx:tiny picked');
    expect((await cache.list())[0].files.map((f) => f.file).sort()).toEqual(['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    const loaded = await loadOnnxModel(await cachedOnnxFiles(cache, group));
    await loaded.lm.dispose();
    await cache.deleteGroup(group);
  });

  it('a decoder without past key values, one without logits, a missing tokenizer, a truncated file: each its error, nothing stored', async () => {
    const noPast = await storeOnnxFiles(cache, 'x', picked(await variant({ withPast: false }))).catch((e: unknown) => e);
    expect(noPast).toBeInstanceOf(NotAnOnnxDecoderError);
    expect((noPast as Error).message).toContain('no past_key_values inputs');
    const noLogits = await storeOnnxFiles(cache, 'x', picked(await variant({ logitsName: 'scores' }))).catch((e: unknown) => e);
    expect(noLogits).toBeInstanceOf(NotAnOnnxDecoderError);
    expect((noLogits as Error).message).toContain('no logits output');
    const noTokenizer = await storeOnnxFiles(cache, 'x', picked(good['onnx/model.onnx'], ['tokenizer.json'])).catch((e: unknown) => e);
    expect(noTokenizer).toBeInstanceOf(OnnxMissingFileError);
    expect((noTokenizer as Error).message).toContain("No 'tokenizer.json' in the picked files");
    const cut = await storeOnnxFiles(cache, 'x', picked(good['onnx/model.onnx'].slice(0, 99_000))).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(OnnxTruncatedError);
    await expectNothingCached();
  });

  it('an fp16 graph is refused by dtype, in words', () => {
    const g = new GraphBuilder('fp16');
    const ids = g.input('input_ids', ONNX_DTYPE.INT64, ['b', 't']);
    g.input('attention_mask', ONNX_DTYPE.INT64, ['b', 's']);
    g.input('past_key_values.0.key', ONNX_DTYPE.FLOAT16, ['b', 2, 'p', 8]);
    g.input('past_key_values.0.value', ONNX_DTYPE.FLOAT16, ['b', 2, 'p', 8]);
    g.op('Identity', [ids], {}, 'logits');
    g.output('logits', ONNX_DTYPE.FLOAT16, ['b', 't', 320]);
    g.output('present.0.key', ONNX_DTYPE.FLOAT16, ['b', 2, 's', 8]);
    g.output('present.0.value', ONNX_DTYPE.FLOAT16, ['b', 2, 's', 8]);
    const config = parseOnnxConfig(JSON.stringify({ num_hidden_layers: 1, num_attention_heads: 4, hidden_size: 32, vocab_size: 320 }));
    expect(() => checkDecoder(inspectOnnx(g.model(17), 'onnx/model_fp16.onnx'), config, 'onnx/model_fp16.onnx')).toThrow(OnnxDtypeError);
    expect(() => checkDecoder(inspectOnnx(g.model(17), 'onnx/model_fp16.onnx'), config, 'onnx/model_fp16.onnx')).toThrow(/holds float16 logits: the ONNX source runs fp32 exports only/);
  });
});
