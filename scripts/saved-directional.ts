// Loads what `policy run --save DIR` kept of an embedding-placed directional policy (arm 0 of run
// RUN_ID): the run's record (runs/policy/RUN_ID.json) for its spec, the saved weights and direction
// table (DIR/RUN_ID/0-LABEL), and the base policy, on the cpu backend with `threads` threads. Shared
// by the scripts that judge a saved directional policy again (directional-rejudge.ts,
// persona-direction-probe.ts).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPolicyBaseNode, policyBaseDir } from '../src/experiments/node/load-policy-base';
import { readSavedCondition } from '../src/experiments/policy/save';
import { savedPolicyCheckpoint } from '../src/experiments/policy/saved-policy';
import { loadModel } from '../src/models/load-model';
import type { DirectionalMethodSpec, PolicyRecord } from '../src/protocol/policy';
import { createBackend } from '../src/tensor';
import { setCpuThreads } from '../src/tensor/cpu/thread-pool';

async function readFolder(dir: string): Promise<Record<string, Uint8Array>> {
  return Object.fromEntries(await Promise.all((await readdir(dir)).map(async (f) => [f, new Uint8Array(await readFile(join(dir, f)))] as const)));
}

export async function loadSavedDirectional(runId: string, saveRoot: string, threads: number) {
  const record = JSON.parse(await readFile(join('runs/policy', `${runId}.json`), 'utf8')) as PolicyRecord;
  const spec = record.spec;
  const method = spec.arms[0].method;
  if (method.kind !== 'directional-dpo' || method.placement !== 'embedding') throw new Error(`${runId}: arm 0 is not an embedding-placed directional policy`);
  const folder = join(saveRoot, runId, (await readdir(join(saveRoot, runId))).find((d) => d.startsWith('0-'))!);
  const files = await readFolder(folder);
  const baseFiles = await readFolder(policyBaseDir(spec.base));
  await setCpuThreads(threads);
  const be = await createBackend('cpu');
  const kind = files['adapter_config.json'] ? ('lora' as const) : ('full' as const);
  const { model, tokenizer } = await loadModel(be, await savedPolicyCheckpoint({ kind, files }, baseFiles, folder));
  const base = await loadPolicyBaseNode(spec.base, be);
  const condition = await readSavedCondition(files);
  if (!condition) throw new Error(`${folder}: no direction table`);
  return { spec, method: method as DirectionalMethodSpec, folder, kind, be, model, tokenizer, base, condition, layout: { tokenizer, styled: spec.base.kind === 'builtin' } };
}
