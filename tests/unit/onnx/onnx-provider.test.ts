// A run's choice of onnxruntime-web execution provider (models/onnx/open.ts loadOnnxPreferring):
// WASM when asked; WebGPU asked where its EP cannot start (Node without navigator.gpu, as a browser
// without WebGPU) falls back to the WASM EP with the reason in words, and scores as WASM does;
// a run's record keeps which EP its ONNX arms ran on, and the fallback's reason.
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../../src/experiments/prepare';
import { runExperiment } from '../../../src/experiments/runner';
import { MemoryRunStore } from '../../../src/experiments/runs/store';
import { onnxRanOn } from '../../../src/protocol/record';
import { createBackend } from '../../../src/tensor';
import { padBatch } from '../../../src/models/batch';
import { onnxFolderFiles } from '../../../src/models/onnx/node-folder';
import { loadOnnxPreferring, type LoadedOnnxRun } from '../../../src/models/onnx/open';

const FIXTURE = 'tests/fixtures/onnx-decoder';
const loaded: LoadedOnnxRun[] = [];
afterAll(async () => {
  for (const l of loaded) await l.lm.dispose();
});

describe('ONNX execution provider for a run', () => {
  it('runs WASM as asked, and falls back to WASM with the reason when the WebGPU EP cannot start', async () => {
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    const wasm = await loadOnnxPreferring(await onnxFolderFiles(FIXTURE), 'wasm');
    loaded.push(wasm);
    expect(wasm.lm.provider).toBe('wasm');
    expect(wasm.asked).toBe('wasm');
    expect(wasm.fallback).toBeUndefined();

    const gpu = await loadOnnxPreferring(await onnxFolderFiles(FIXTURE), 'webgpu');
    loaded.push(gpu);
    expect(gpu.asked).toBe('webgpu');
    expect(gpu.lm.provider).toBe('wasm');
    expect(gpu.fallback).toMatch(/^onnxruntime-web's WebGPU EP could not start \(.+\); this model ran on its WASM EP instead$/);
    console.log(`[onnx provider] ${gpu.fallback}`);

    const batch = padBatch([wasm.tokenizer.encode('The cat sat on the mat.')], wasm.tokenizer.padId);
    expect(await gpu.lm.lastTokenLogits(batch, [1, 2, 3])).toEqual(await wasm.lm.lastTokenLogits(batch, [1, 2, 3]));
  }, 60_000);

  it("keeps in the run's record the EP its ONNX arm ran on, and why it is not the one asked for", async () => {
    const spec = {
      name: 'roleplay onnx, WebGPU EP asked',
      seed: 1,
      data: { source: 'builtin', personas: 40, questionsPerPersona: 4 },
      eval: { maxPairsPerSet: 10 },
      arms: [{ label: 'roleplay onnx', method: { kind: 'roleplay', readout: 'choice' }, model: { kind: 'lm', source: 'onnx', onnx: FIXTURE, maxTokens: 128 } }],
    };
    const record = await runExperiment(spec, {
      backend: await createBackend('cpu'),
      adapter: null,
      store: new MemoryRunStore(),
      loadData: loadBuiltin,
      appVersion: 'test',
      loadOnnxModel: async (location) => {
        const l = await loadOnnxPreferring(await onnxFolderFiles(location), 'webgpu');
        return { name: `ONNX ${location} (${l.lm.provider})`, inference: l.lm, tokenizer: l.tokenizer, builtin: false, dispose: () => l.lm.dispose(), onnx: { provider: l.lm.provider, asked: l.asked, fallback: l.fallback } };
      },
    });
    expect(record.status).toBe('done');
    expect(record.backend.onnx).toMatchObject({ provider: 'wasm', asked: 'webgpu' });
    expect(record.backend.onnx!.fallback).toMatch(/WebGPU EP could not start/);
    expect(record.backends![0].onnx).toEqual(record.backend.onnx);
    expect(onnxRanOn(record.backend.onnx!)).toBe("ONNX on onnxruntime-web's WASM EP (WebGPU EP asked for, could not start)");
    expect(onnxRanOn({ provider: 'webgpu', asked: 'webgpu' })).toBe("ONNX on onnxruntime-web's WebGPU EP");
  }, 120_000);
});
