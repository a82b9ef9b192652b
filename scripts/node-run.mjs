// Runs a TypeScript entry point of the lab in Node: TypeScript via tsx, `?raw` shader imports via
// ./raw-loader.mjs. Usage: node scripts/node-run.mjs src/cli/main.ts [args...]
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';

register('./raw-loader.mjs', import.meta.url);
registerTsx();
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/node-run.mjs ENTRY.ts [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(entry).href);
