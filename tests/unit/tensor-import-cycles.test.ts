// The engine's bottom layers import in one direction: no module of src/tensor or src/gpu reaches
// itself again through its imports (type-only imports count), so a check registry, a backend and
// its ops cannot grow back into loops. The one mutual reference kept is the Tensor value and the
// Backend interface naming each other's types (a tensor holds its backend; backend methods take
// tensors); both sides are `import type`, erased at run time.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

function importGraph(dir: string): Map<string, string[]> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(dir);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const target = path.resolve(path.dirname(f), m[1]);
      const file = [`${target}.ts`, path.join(target, 'index.ts')].find((c) => existsSync(c));
      if (file?.startsWith(dir)) deps.push(file);
    }
    graph.set(f, deps);
  }
  return graph;
}

/** The strongly connected components with more than one module (Tarjan), as sorted relative paths. */
function cycles(dir: string): string[][] {
  const graph = importGraph(dir);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(path.relative(dir, w));
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import cycles', () => {
  it('src/tensor has none but the Tensor/Backend type pair', () => {
    expect(cycles(path.join(root, 'src/tensor'))).toEqual([['backend.ts', 'tensor.ts']]);
  });

  it('src/gpu has none', () => {
    expect(cycles(path.join(root, 'src/gpu'))).toEqual([]);
  });

  it('finds a loop when there is one (the check is not vacuous)', () => {
    const base = path.join(root, 'tests/fixtures/import-cycle');
    expect(cycles(base)).toEqual([['a.ts', 'b.ts']]);
  });
});
