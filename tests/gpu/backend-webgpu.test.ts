// The webgpu backend against the cpu backend, op by op, on seeded random inputs; plus what makes
// it a training backend: one submission per step, no readback, pooled buffers reused.
import { beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, DeviceLostError, GpuError } from '../../src/gpu';
import { nodeGpu } from '../../src/gpu/node';
import { initCpuBackend, ops, ShapeError, tidy, WebGpuBackend, type Backend, type Tensor, type UnaryOp } from '../../src/tensor';
import { Rng } from '../../src/util/rng';
import { testGpu } from '../helpers/node-gpu';

let gpu: WebGpuBackend;
let cpu: Backend;
beforeAll(async () => {
  gpu = new WebGpuBackend(await testGpu());
  cpu = await initCpuBackend();
});

const rng = new Rng(31);
function pair(shape: number[], lo = -2, hi = 2): [Tensor, Tensor] {
  const data = rng.float32(shape.reduce((a, b) => a * b, 1), { uniform: [lo, hi] });
  return [gpu.fromData(data, shape), cpu.fromData(data, shape)];
}

async function expectClose(g: Tensor | { [k: string]: Tensor }, c: Tensor | { [k: string]: Tensor }, rtol = 1e-5, atol = 1e-6): Promise<void> {
  const gs = 'shape' in g ? { out: g as Tensor } : g;
  const cs = 'shape' in c ? { out: c as Tensor } : c;
  for (const k of Object.keys(cs)) {
    const a = gs[k] as Tensor;
    const b = cs[k] as Tensor;
    expect(a.shape, k).toEqual(b.shape);
    const x = await a.data();
    const y = await b.data();
    for (let i = 0; i < y.length; i++) {
      if (!(Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i]))) throw new Error(`${k}[${i}]: webgpu ${x[i]} vs cpu ${y[i]}`);
    }
  }
}

describe('webgpu backend matches the cpu backend', () => {
  it('elementwise, broadcasting, affine, axpy', async () => {
    const [ga, ca] = pair([3, 5, 7]);
    const [gb, cb] = pair([5, 1], 0.5, 2);
    for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) await expectClose(gpu.binary(op, ga, gb), cpu.binary(op, ca, cb));
    for (const op of ['exp', 'silu', 'gelu', 'sigmoid', 'logsigmoid', 'tanh', 'square', 'neg'] as UnaryOp[]) {
      await expectClose(gpu.unary(op, ga), cpu.unary(op, ca));
      await expectClose(gpu.unaryBackward(op, ga, ga), cpu.unaryBackward(op, ca, ca), 1e-4, 5e-6);
    }
    await expectClose(gpu.affine(ga, 3, -1), cpu.affine(ca, 3, -1));
    const [gacc, cacc] = pair([3, 5, 7]);
    gpu.addScaledInPlace(gacc, ga, -0.5);
    cpu.addScaledInPlace(cacc, ca, -0.5);
    await expectClose(gacc, cacc);
  });

  it('layout: copy, assign, permute, slice, concat, broadcastTo, sumTo, cast, full, zeros', async () => {
    const [gx, cx] = pair([2, 3, 4, 5]);
    await expectClose(gpu.copy(gx), cpu.copy(cx));
    await expectClose(gpu.permute(gx, [0, 2, 1, 3]), cpu.permute(cx, [0, 2, 1, 3]));
    await expectClose(gpu.slice(gx, 2, 1, 3), cpu.slice(cx, 2, 1, 3));
    const [gy, cy] = pair([2, 3, 1, 5]);
    await expectClose(gpu.concat([gx, gy], 2), cpu.concat([cx, cy], 2));
    await expectClose(gpu.broadcastTo(gy, [2, 3, 4, 5]), cpu.broadcastTo(cy, [2, 3, 4, 5]));
    await expectClose(gpu.sumTo(gx, [3, 1, 5]), cpu.sumTo(cx, [3, 1, 5]));
    await expectClose(gpu.cast(gpu.cast(gx, 'i32'), 'f32'), cpu.cast(cpu.cast(cx, 'i32'), 'f32'));
    await expectClose(gpu.full([7], -1.25), cpu.full([7], -1.25));
    await expectClose(gpu.zeros([9]), cpu.zeros([9]));
    const dst = gpu.zeros([2, 3, 4, 5]);
    gpu.assign(dst, gx);
    await expectClose(dst, cx);
    const ids = gpu.fromData(Int32Array.of(3, -1, 7), [3]);
    expect(Array.from(await gpu.slice(ids, 0, 1, 3).data())).toEqual([-1, 7]);
  });

  it('reductions, softmax, log-softmax and their backward, sum of squares', async () => {
    const [gx, cx] = pair([4, 6, 33]);
    for (const op of ['sum', 'mean', 'max'] as const) {
      await expectClose(gpu.reduce(op, gx, [-1], true), cpu.reduce(op, cx, [-1], true));
      await expectClose(gpu.reduce(op, gx, [0, 1], false), cpu.reduce(op, cx, [0, 1], false));
    }
    const [gdy, cdy] = pair([4, 6, 33]);
    const gs = gpu.softmax(gx);
    const cs = cpu.softmax(cx);
    await expectClose(gs, cs);
    await expectClose(gpu.softmaxBackward(gs, gdy), cpu.softmaxBackward(cs, cdy), 1e-4, 1e-6);
    const gl = gpu.logSoftmax(gx);
    const cl = cpu.logSoftmax(cx);
    await expectClose(gl, cl);
    await expectClose(gpu.logSoftmaxBackward(gl, gdy), cpu.logSoftmaxBackward(cl, cdy), 1e-4, 1e-6);
    await expectClose(gpu.sumOfSquares([gx, gdy]), cpu.sumOfSquares([cx, cdy]));
  });

  it('matmul through E2 kernel, and the wired transformer ops', async () => {
    const [ga, ca] = pair([2, 5, 9]);
    const [gb, cb] = pair([7, 9]);
    await expectClose(gpu.matmul(ga, gb, { transB: true }), cpu.matmul(ca, cb, { transB: true }));
    const [gw, cw] = pair([9], 0.5, 1.5);
    const [gbias, cbias] = pair([9]);
    const gr = ops.rmsNorm(gpu, ga, gw, 1e-5);
    const cr = ops.rmsNorm(cpu, ca, cw, 1e-5);
    await expectClose(gr, cr);
    const [gdy, cdy] = pair([2, 5, 9]);
    await expectClose(ops.rmsNormBackward(gpu, ga, gw, gr.rstd, gdy), ops.rmsNormBackward(cpu, ca, cw, cr.rstd, cdy), 1e-4, 1e-5);
    const gl = ops.layerNorm(gpu, ga, gw, gbias, 1e-5);
    const cl = ops.layerNorm(cpu, ca, cw, cbias, 1e-5);
    await expectClose(gl, cl, 1e-4, 1e-5);
    await expectClose(ops.layerNormBackward(gpu, ga, gw, gl.mean, gl.rstd, gdy), ops.layerNormBackward(cpu, ca, cw, cl.mean, cl.rstd, cdy), 1e-4, 1e-5);
  });
});

describe('webgpu backend: attention block ops match the cpu backend', () => {
  it('rope (both layouts) and its inverse', async () => {
    const [gx, cx] = pair([2, 3, 5, 8]);
    const gp = gpu.fromData(Int32Array.of(0, 1, 2, 3, 4), [5]);
    const cp = cpu.fromData(Int32Array.of(0, 1, 2, 3, 4), [5]);
    await expectClose(ops.rope(gpu, gx, gp, 10000), ops.rope(cpu, cx, cp, 10000));
    await expectClose(ops.rope(gpu, gx, gp, 10000, true), ops.rope(cpu, cx, cp, 10000, true));
    const gpb = gpu.fromData(Int32Array.from({ length: 6 }, (_, i) => i), [2, 3]);
    const cpb = cpu.fromData(Int32Array.from({ length: 6 }, (_, i) => i), [2, 3]);
    await expectClose(ops.rope(gpu, gx, gpb, 1e6, false, 'BTHD'), ops.rope(cpu, cx, cpb, 1e6, false, 'BTHD'));
  });

  it('embedding gather and scatter-add backward', async () => {
    const [gt, ct] = pair([11, 6]);
    const ids = Int32Array.of(3, 0, 3, 10, 3, 7);
    const gi = gpu.fromData(ids, [2, 3]);
    const ci = cpu.fromData(ids, [2, 3]);
    await expectClose(ops.embedding(gpu, gt, gi), ops.embedding(cpu, ct, ci));
    const [gd, cd] = pair([2, 3, 6]);
    await expectClose(ops.embeddingBackward(gpu, gi, gd, 11), ops.embeddingBackward(cpu, ci, cd, 11));
  });

  it('attention forward and backward, causal with GQA and a key mask', async () => {
    const [gq, cq] = pair([2, 4, 5, 8]);
    const [gk, ck] = pair([2, 2, 5, 8]);
    const [gv, cv] = pair([2, 2, 5, 8]);
    const [gd, cd] = pair([2, 4, 5, 8]);
    const m = Int32Array.of(0, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    const go = { causal: true, keyMask: gpu.fromData(m, [2, 5]) };
    const co = { causal: true, keyMask: cpu.fromData(m, [2, 5]) };
    const g = ops.attention(gpu, gq, gk, gv, go);
    const c = ops.attention(cpu, cq, ck, cv, co);
    await expectClose(g.out, c.out, 1e-4, 1e-5);
    const glse = await g.lse.data();
    const clse = await c.lse.data();
    // Row 0 of batch 0 sees only the padded key 0: no allowed key, lse = -Infinity on both.
    expect(glse[0]).toBe(-Infinity);
    expect(clse[0]).toBe(-Infinity);
    const gb = ops.attentionBackward(gpu, gq, gk, gv, g.out, g.lse, gd, go);
    const cb = ops.attentionBackward(cpu, cq, ck, cv, c.out, c.lse, cd, co);
    await expectClose(gb, cb, 1e-3, 1e-5);
  });
});

describe('webgpu backend as a training backend', () => {
  it('records a whole step into one submission, with no readback', async () => {
    const [w] = pair([16, 16]);
    await gpu.sync();
    const start = gpu.submitCount;
    tidy(() => {
      let h = gpu.full([4, 16], 0.5);
      for (let i = 0; i < 10; i++) h = gpu.unary('silu', gpu.matmul(h, w));
      gpu.reduce('sum', gpu.softmax(h), [-1], false);
    });
    expect(gpu.submitCount).toBe(start);
    gpu.flush();
    expect(gpu.submitCount).toBe(start + 1);
  });

  it('reuses pooled buffers: a repeated step creates none', async () => {
    const [x] = pair([8, 32]);
    const step = () =>
      tidy(() => {
        const y = gpu.binary('mul', gpu.unary('exp', x), x);
        gpu.reduce('mean', gpu.logSoftmax(y), [0], false);
      });
    step();
    gpu.flush();
    const created = gpu.poolStats().created;
    const inUse = gpu.poolStats().inUse;
    for (let i = 0; i < 3; i++) step();
    gpu.flush();
    expect(gpu.poolStats().created).toBe(created);
    expect(gpu.poolStats().inUse).toBe(inUse);
  });

  it('keeps results right when a pooled buffer is reused after an upload', async () => {
    // queue.writeBuffer would overtake the recorded affine; uploads while recording go through
    // a staging copy in the encoder instead (and cost no submission).
    await gpu.sync();
    const a = gpu.fromData([1, 2, 3], [3]);
    const b = gpu.affine(a, 2, 0);
    a.dispose();
    const before = gpu.submitCount;
    const c = gpu.fromData([10, 20, 30], [3]);
    expect(gpu.submitCount).toBe(before);
    expect(Array.from(await b.data())).toEqual([2, 4, 6]);
    expect(Array.from(await c.data())).toEqual([10, 20, 30]);
  });

  it('names the op and both shapes on a mismatch', () => {
    const [a] = pair([2, 3]);
    const [b] = pair([4, 3]);
    expect(() => gpu.binary('add', a, b)).toThrow(ShapeError);
    expect(() => gpu.binary('add', a, b)).toThrow(/add: shapes \[2, 3\] and \[4, 3\]/);
    expect(() => gpu.matmul(a, b)).toThrow(/matmul: cannot multiply \[2, 3\] by \[4, 3\]/);
  });

  it('guard turns a failed allocation inside a step into a typed GPU error', async () => {
    const huge = Math.floor(gpu.ctx.device.limits.maxBufferSize / 4) + 1024;
    await expect(gpu.guard('allocating a huge activation', () => gpu.zeros([huge]))).rejects.toThrow(GpuError);
    await expect(gpu.guard('allocating a huge activation', () => gpu.zeros([huge]))).rejects.toThrow(/allocating a huge activation/);
    // The backend stays usable afterwards.
    expect(Array.from(await gpu.affine(gpu.fromData([1], [1]), 3, 0).data())).toEqual([3]);
  });

  it('turns a lost device into DeviceLostError on the next op', async () => {
    const ctx = await acquireGpu({ gpu: await nodeGpu(), timeoutMs: 30_000 });
    const be = new WebGpuBackend(ctx);
    const x = be.fromData([1, 2], [2]);
    const lost = new Promise((resolve) => ctx.onLost(resolve));
    ctx.device.destroy();
    await lost;
    expect(() => be.unary('exp', x)).toThrow(DeviceLostError);
    await expect(x.data()).rejects.toThrow(DeviceLostError);
  });
});
