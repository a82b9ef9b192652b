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

  it('allows downward imports', async () => {
    expect(await layerErrors('src/train/ok.ts', "import '../models/x';\nimport '../data/y';\nimport '../util/rng';\n")).toEqual([]);
    expect(await layerErrors('src/ui/Ok.tsx', "import '../store/lab';\n")).toEqual([]);
  });
});
