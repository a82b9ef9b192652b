// The import direction of DESIGN.md is enforced by lint: an upward import must fail.
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'persona/layer-imports').map((m) => m.message);
}

describe('layer lint', () => {
  it('fails src/gpu importing from src/ui', async () => {
    const errors = await layerErrors('src/gpu/bad.ts', "import { App } from '../ui/App';\nexport const x = App;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Layer 'gpu' may not import '..\/ui\/App' \(layer 'ui'\)/);
  });

  it('fails tensor importing autograd, and data importing train', async () => {
    expect(await layerErrors('src/tensor/bad.ts', "export * from '../autograd/tape';\n")).toHaveLength(1);
    expect(await layerErrors('src/data/bad.ts', "export { x } from '../train/loop';\n")).toHaveLength(1);
  });

  it('fails ui reaching past the worker boundary into the engine', async () => {
    expect(await layerErrors('src/ui/Bad.tsx', "import '../tensor/checks';\n")).toHaveLength(1);
  });

  it('keeps store and ui on the app side of the worker boundary: protocol/ yes, experiments/ no', async () => {
    const errors = await layerErrors('src/store/bad.ts', "import type { RunRecord } from '../experiments/results/export';\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Layer 'store' may not import '..\/experiments\/results\/export' \(layer 'experiments'\)/);
    expect(await layerErrors('src/ui/Bad.tsx', "import { runner } from '../experiments/runner';\n")).toHaveLength(1);
    expect(await layerErrors('src/store/ok.ts', "import { runner } from '../protocol/client';\nimport type { RunRecord } from '../protocol/record';\n")).toEqual([]);
    expect(await layerErrors('src/ui/Ok.tsx', "import type { SpecCheck } from '../protocol/spec';\n")).toEqual([]);
    // Both sides of the boundary read it; the worker and the engine too.
    expect(await layerErrors('src/worker/ok.ts', "import type { RunnerApi } from '../protocol/api';\n")).toEqual([]);
    expect(await layerErrors('src/experiments/ok.ts', "import type { RunEvent } from '../protocol/events';\n")).toEqual([]);
  });

  it('keeps protocol free of anything that computes: gpu types only; the worker is started, never imported', async () => {
    expect(await layerErrors('src/protocol/ok.ts', "import type { CapabilityReport } from '../gpu/capabilities';\n")).toEqual([]);
    expect(await layerErrors('src/protocol/bad.ts', "import { parseSpec } from '../experiments/spec/validate';\n")).toHaveLength(1);
    expect(await layerErrors('src/protocol/bad.ts', "import '../store/lab';\n")).toHaveLength(1);
    expect(await layerErrors('src/protocol/bad.ts', "import { listRuns } from '../worker/experiments';\n")).toHaveLength(1);
    const spawn = "export const w = new Worker(new URL('../worker/runner.worker.ts', import.meta.url), { type: 'module' });\n";
    expect(await layerErrors('src/protocol/client.ts', spawn)).toEqual([]);
    expect(await layerErrors('src/store/bad.ts', spawn)).toHaveLength(1);
  });

  it('allows downward imports', async () => {
    expect(await layerErrors('src/train/ok.ts', "import '../models/x';\nimport '../data/y';\nimport '../util/rng';\n")).toEqual([]);
    expect(await layerErrors('src/ui/Ok.tsx', "import '../store/lab';\n")).toEqual([]);
  });

  it('keeps the benchmarks out of the engine: cli and the page import bench/, tensor does not', async () => {
    expect(await layerErrors('src/cli/commands/ok.ts', "import '../../bench/matmul-bench-suite';\n")).toEqual([]);
    expect(await layerErrors('src/bench/ok.ts', "import '../tensor/kernels/matmul';\n")).toEqual([]);
    expect(await layerErrors('src/tensor/bad.ts', "import '../bench/matmul-bench';\n")).toHaveLength(1);
    expect(await layerErrors('src/bench/bad.ts', "import '../autograd';\n")).toHaveLength(1);
  });

  it('lets models/builtin (the built-in model) read data, and no other part of models/', async () => {
    expect(await layerErrors('src/models/builtin/ok.ts', "import '../../data/schema';\nimport '../llama/model';\n")).toEqual([]);
    expect(await layerErrors('src/models/llama/bad.ts', "import '../../data/schema';\n")).toHaveLength(1);
    expect(await layerErrors('src/models/builtin/bad.ts', "import '../../train/losses';\n")).toHaveLength(1);
  });
});
