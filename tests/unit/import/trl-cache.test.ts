// The app's import of a TRL run into the model cache (worker/import-trl.ts, on fake-indexeddb): an
// adapter merged into a cached base lands as trl/<folder> and loads; an adapter for another base and
// a truncated trainer_state.json are refused with nothing cached; a failure while storing leaves
// no group behind.
import 'fake-indexeddb/auto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../../src/models/checkpoint';
import { ModelCache } from '../../../src/models/hub/cache';
import { cachedCheckpoint } from '../../../src/models/hub/fetch-checkpoint';
import { storeImported } from '../../../src/models/import/trl-cache';
import { BaseModelMismatchError } from '../../../src/models/import/trl-output';
import { TrainerStateError } from '../../../src/experiments/import/trl/trainer-state';
import { importTrlModel } from '../../../src/worker/import-trl';

const FIX = 'tests/fixtures/trl-output';
const BASE = 'tests/fixtures/tiny-checkpoint/qwen2-f32';

function picked(dir: string, folder: string, replace: Record<string, Uint8Array> = {}): File[] {
  return readdirSync(dir).map((name) => {
    const f = new File([new Uint8Array(replace[name] ?? readFileSync(`${dir}/${name}`))], name);
    Object.defineProperty(f, 'webkitRelativePath', { value: `${folder}/${name}` });
    return f;
  });
}

async function groups(): Promise<string[]> {
  const cache = await ModelCache.open();
  try {
    return (await cache.list()).map((g) => g.group).sort();
  } finally {
    cache.close();
  }
}

describe('import a TRL run into the model cache', () => {
  it('merges an adapter into a cached base; the group loads as a checkpoint', async () => {
    const cache = await ModelCache.open();
    for (const name of readdirSync(BASE)) await cache.put('qwen2-f32', name, readFileSync(`${BASE}/${name}`));
    cache.close();
    const r = await importTrlModel(picked(`${FIX}/lora-dpo`, 'lora-dpo'), { kind: 'cache', group: 'qwen2-f32' });
    expect(r).toEqual({ group: 'trl/lora-dpo', kind: 'adapter', curvePoints: 6 });
    const c = await ModelCache.open();
    const ck = await openCheckpoint(await cachedCheckpoint(c, 'trl/lora-dpo'));
    expect(ck.config.hiddenSize).toBe(32);
    c.close();
    expect(await groups()).toEqual(['qwen2-f32', 'trl/lora-dpo']);
  });

  it('refuses an adapter for another base and a truncated trainer_state.json, caching nothing', async () => {
    await expect(importTrlModel(picked(`${FIX}/lora-other-base`, 'other'), { kind: 'cache', group: 'qwen2-f32' })).rejects.toThrow(BaseModelMismatchError);
    const cut = readFileSync(`${FIX}/lora-dpo/trainer_state.json`).subarray(0, 500);
    await expect(importTrlModel(picked(`${FIX}/lora-dpo`, 'cut2', { 'trainer_state.json': cut }), { kind: 'cache', group: 'qwen2-f32' })).rejects.toThrow(TrainerStateError);
    expect(await groups()).toEqual(['qwen2-f32', 'trl/lora-dpo']);
  });

  it('deletes what it stored when storing fails part-way', async () => {
    const cache = await ModelCache.open();
    const real = cache.put.bind(cache);
    let n = 0;
    cache.put = async (...a: Parameters<ModelCache['put']>) => {
      if (++n === 2) throw new Error('quota exceeded');
      return real(...a);
    };
    await expect(storeImported(cache, 'trl/half', [{ name: 'a', bytes: new Uint8Array(3) }, { name: 'b', bytes: new Uint8Array(3) }])).rejects.toThrow('quota exceeded');
    expect((await cache.list()).map((g) => g.group)).not.toContain('trl/half');
    cache.close();
  });
});
