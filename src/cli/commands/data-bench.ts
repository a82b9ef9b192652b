// `data bench`: import throughput in Node, rows per second, for each input format (parse,
// validate, normalize; the browser's IndexedDB writes are measured by the e2e spec), and the
// built-in generator. Files are generated into a temporary folder unless --file is given.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBuiltin, readPersonaBatches, type ByteSource } from '../../data';
import { UsageError, parseFlags, type CliCommand } from '../command';
import { personaCsvText, personaJsonlText, syntheticPersonaRows, writePersonaParquetFile } from './data-fixtures';
import { fileSource } from './data-source';

interface BenchLine {
  what: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

async function importRate(what: string, source: ByteSource): Promise<BenchLine> {
  const t = performance.now();
  const it = readPersonaBatches(source);
  let rows = 0;
  while (true) {
    const next = await it.next();
    if (next.done) break;
    rows += next.value.rows.length;
  }
  const seconds = (performance.now() - t) / 1000;
  return { what, rows, seconds, rowsPerSecond: rows / seconds };
}

export const dataBench: CliCommand = {
  path: ['data', 'bench'],
  summary: 'Import throughput (rows/s) per format in Node, and the built-in generator',
  usage: ['--rows N     rows in the generated files (default 50,000)', '--file F     measure this PERSONA file instead', '--json OUT   also write the results as JSON'],
  async run(args) {
    const { flags, rest } = parseFlags(args);
    if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
    const n = flags.rows === undefined ? 50_000 : Number(flags.rows);
    if (!Number.isInteger(n) || n < 1) throw new UsageError('--rows needs a positive integer');
    const lines: BenchLine[] = [];

    let t = performance.now();
    const ds = generateBuiltin({ seed: 1 });
    const gen = (performance.now() - t) / 1000;
    lines.push({ what: 'built-in generator (1,000 personas)', rows: ds.rows.length, seconds: gen, rowsPerSecond: ds.rows.length / gen });

    if (typeof flags.file === 'string') lines.push(await importRate(`file ${flags.file}`, await fileSource(flags.file)));
    else {
      const dir = await mkdtemp(join(tmpdir(), 'persona-bench-'));
      try {
        t = performance.now();
        writePersonaParquetFile(join(dir, 'rows.parquet'), syntheticPersonaRows(n), 5000);
        await writeFile(join(dir, 'rows.jsonl'), personaJsonlText(syntheticPersonaRows(n)));
        await writeFile(join(dir, 'rows.csv'), personaCsvText(syntheticPersonaRows(n)));
        console.log(`wrote ${n} rows per format in ${((performance.now() - t) / 1000).toFixed(1)} s`);
        for (const f of ['rows.parquet', 'rows.jsonl', 'rows.csv']) lines.push(await importRate(`import ${f}`, await fileSource(join(dir, f))));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    for (const l of lines) console.log(`${l.what.padEnd(40)} ${String(l.rows).padStart(8)} rows  ${l.seconds.toFixed(2).padStart(7)} s  ${Math.round(l.rowsPerSecond).toString().padStart(9)} rows/s`);
    if (typeof flags.json === 'string') {
      await writeFile(flags.json, `${JSON.stringify({ node: process.version, lines }, null, 2)}\n`);
      console.log(`wrote ${flags.json}`);
    }
    return 0;
  },
};
