// The shape of a CLI command. Each command lives in its own file under ./commands and is listed
// in ./registry.ts; `npm run cli -- --help` prints them all.

export interface CliCommand {
  /** Words that select it, e.g. ['data', 'stats']. */
  path: string[];
  summary: string;
  /** Usage lines printed by `--help`: flags and what they do. */
  usage: string[];
  run(args: string[]): Promise<number>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Minimal flag parsing: --name value, --name=value, and boolean --name. */
export function parseFlags(args: string[], booleans: string[] = []): { flags: Record<string, string | true>; rest: string[] } {
  const flags: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      rest.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (eq >= 0) flags[name] = arg.slice(eq + 1);
    else if (booleans.includes(name)) flags[name] = true;
    else {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
      i++;
    }
  }
  return { flags, rest };
}
