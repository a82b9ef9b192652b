// ESLint rule: an import inside src/ must point down the layer table in ./layers.js.
import path from 'node:path';
import { layerOf, layers, mayImport, maySpawn } from './layers.js';

function srcRelative(file, srcRoot) {
  const rel = path.relative(srcRoot, file).split(path.sep).join('/');
  return rel.startsWith('..') ? undefined : rel;
}

export const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import direction between src/ layers (DESIGN.md).' },
    messages: {
      upward:
        "Layer '{{from}}' may not import '{{target}}' (layer '{{to}}'). Allowed: {{allowed}}. See DESIGN.md, Architecture.",
    },
    schema: [],
  },
  create(context) {
    const file = context.physicalFilename ?? context.filename;
    const srcRoot = path.join(context.cwd, 'src');
    const fromRel = srcRelative(file, srcRoot);
    if (fromRel === undefined) return {};
    const from = layerOf(fromRel);
    function check(node, source, allowed = mayImport) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const targetRel = srcRelative(path.resolve(path.dirname(file), source), srcRoot);
      if (targetRel === undefined) return; // shaders/, package files: not a layer
      const to = layerOf(targetRel);
      if (!allowed(from, to)) {
        context.report({
          node,
          messageId: 'upward',
          data: {
            from: from || 'src root',
            to: to || 'src root',
            target: source,
            allowed: ['itself', 'util', ...(layers[from] ?? [])].join(', '),
          },
        });
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      NewExpression: (node) => {
        // new URL('../worker/x.ts', import.meta.url) references a module too (to start a worker).
        if (node.callee.name === 'URL' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0].value, maySpawn);
        }
      },
    };
  },
};
