// The gated condition (LlamaModel's addCondition with a GatedCondition) on the webgpu backend
// (Dawn; SwiftShader without a GPU): the same output and the same gradients for the parts, keys
// and bias as the cpu backend, on random inputs whose batch and parts are not multiples of 4.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, square, sum } from '../../src/autograd';
import { addCondition } from '../../src/models/llama/model';
import { createBackend, type Backend } from '../../src/tensor';
import { Rng } from '../../src/util/rng';
import { testGpu } from '../helpers/node-gpu';

let gpu: Backend;
let cpu: Backend;
beforeAll(async () => {
  gpu = await createBackend('webgpu', await testGpu());
  cpu = await createBackend('cpu');
});

async function run(be: Backend, data: Record<string, Float32Array>, [B, T, K, C]: number[]) {
  const leaf = (d: Float32Array, shape: number[]) => {
    const t = be.fromData(d, shape);
    t.requiresGrad = true;
    return t;
  };
  const values = leaf(data.values, [B, K, C]);
  const keys = leaf(data.keys, [K, C]);
  const bias = leaf(data.bias, [K]);
  const out = addCondition(be.fromData(data.h, [B, T, C]), { values, keys, bias });
  backward(sum(square(out)));
  const read = async (t: { data(): Promise<unknown> }) => Array.from((await t.data()) as Float32Array);
  return { out: await read(out), values: await read(values.grad!), keys: await read(keys.grad!), bias: await read(bias.grad!) };
}

describe('gated condition on webgpu', () => {
  it('gives the cpu backend\'s output and gradients', async () => {
    const dims = [3, 5, 3, 12];
    const [B, T, K, C] = dims;
    const rng = new Rng(21);
    const data = { h: rng.float32(B * T * C, { normal: 1 }), values: rng.float32(B * K * C, { normal: 1 }), keys: rng.float32(K * C, { normal: 0.5 }), bias: rng.float32(K, { normal: 1 }) };
    const [g, c] = [await run(gpu, data, dims), await run(cpu, data, dims)];
    for (const k of ['out', 'values', 'keys', 'bias'] as const) {
      const scale = Math.max(...c[k].map(Math.abs));
      const err = Math.max(...g[k].map((v, i) => Math.abs(v - c[k][i])));
      expect(err / scale, k).toBeLessThan(1e-4);
    }
  });
});
