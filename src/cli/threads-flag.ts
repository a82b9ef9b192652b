// The CLI's global `--threads N|auto` flag: how many threads the cpu backend uses (default: every
// available core; 1: the single-thread path). Taken out of argv before a command parses its own
// flags, so every command accepts it.
import { setCpuThreads } from '../tensor/cpu/thread-pool';
import { UsageError } from './command';

/** argv without `--threads N` / `--threads=N`; applies the value to the cpu backend. */
export function applyThreadsFlag(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let value: string | undefined;
    if (arg === '--threads') value = argv[++i];
    else if (arg.startsWith('--threads=')) value = arg.slice('--threads='.length);
    else {
      out.push(arg);
      continue;
    }
    if (value === 'auto') setCpuThreads('auto');
    else if (value !== undefined && /^[1-9]\d*$/.test(value)) setCpuThreads(Number(value));
    else throw new UsageError(`--threads wants a whole number >= 1 or auto, got "${value ?? ''}"`);
  }
  return out;
}
