// Node entry point: `npm run cli -- <command> [flags]`. Dispatches to the commands in ./registry.
import { UsageError, type CliCommand } from './command';
import { COMMANDS } from './registry';
import { applyGpuKernelsFlag } from './gpu-kernels-flag';
import { applyThreadsFlag } from './threads-flag';
import { enableWasmRelaxedSimd } from './wasm-features';

function help(): string {
  const lines = ['Persona Lab CLI', '', 'usage: npm run cli -- <command> [flags]', '', 'commands:'];
  for (const c of COMMANDS) {
    lines.push(`  ${c.path.join(' ').padEnd(24)} ${c.summary}`);
    for (const u of c.usage) lines.push(`  ${''.padEnd(24)}   ${u}`);
  }
  lines.push('', 'global flags:', `  ${'--threads N|auto'.padEnd(24)} threads of the cpu backend (default auto: every core; 1: one thread)`);
  lines.push(`  ${'--gpu-kernels SPEC'.padEnd(24)} GPU kernel variants, e.g. subgroups=off,f16=auto,vec4=on,matvec=on,attention=unfused (default: auto, fused)`);
  lines.push('', '`npm run bench` runs the benchmarks.');
  return lines.join('\n');
}

function find(args: string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: CliCommand | undefined;
  for (const c of COMMANDS) {
    if (c.path.every((w, i) => args[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best && { command: best, rest: args.slice(best.path.length) };
}

async function main(args: string[]): Promise<number> {
  let argv: string[];
  try {
    argv = applyGpuKernelsFlag(applyThreadsFlag(args));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(e.message);
    return 2;
  }
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(help());
    return 0;
  }
  const found = find(argv);
  if (!found) {
    console.error(`Unknown command: ${argv.join(' ')}\n\n${help()}`);
    return 2;
  }
  if (found.rest.includes('--help')) {
    console.log([`${found.command.path.join(' ')}: ${found.command.summary}`, ...found.command.usage].join('\n  '));
    return 0;
  }
  try {
    return await found.command.run(found.rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${found.command.path.join(' ')}: ${e.message}`);
      return 2;
    }
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    return 1;
  }
}

enableWasmRelaxedSimd();
process.exitCode = await main(process.argv.slice(2));
