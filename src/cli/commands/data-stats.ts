// `data stats`: personas, rows, pairs per set, conflict rate, conflicting pairs, and the ceilings
// (built-in: Bayes; OpinionQA: the noise ceiling given the group sizes) of the built-in dataset, a
// PERSONA file or an OpinionQA release (with its import report: waves taken and skipped,
// duplicates dropped, groups under the size floor).
import { writeFile } from 'node:fs/promises';
import { datasetStats, formatOpinionQaSummary, formatStats } from '../../data';
import { skewStatsLines } from '../../data/builtin/skew';
import { UsageError, parseFlags, type CliCommand } from '../command';
import { loadDatasetFromFlags } from './data-source';

export const dataStats: CliCommand = {
  path: ['data', 'stats'],
  summary: 'Dataset statistics: personas, rows, pairs per set, conflict rate, Bayes ceilings',
  usage: [
    '--builtin [--seed N] [--personas N] [--noise S]   the built-in dataset (default seed 1, 1,000 personas)',
    '  [--skew AXIS=SHARE,...]                         skewed axes, e.g. formality=0.7,religious=0.7 (share of personas on the + pole)',
    '--file F                                          a PERSONA parquet, JSONL or CSV file',
    '--opinionqa DIR [--min-group N]                   an OpinionQA release root (data/human_resp) or wave folder; groups under N respondents (default 30) dropped',
    '--split-seed N --unseen F --test F                split (default seed 1, 0.2 unseen personas, 0.25 test questions)',
    '--json OUT                                        also write the stats as JSON to OUT',
  ],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['builtin']);
    if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
    const t0 = performance.now();
    const { dataset, summary, opinionqa } = await loadDatasetFromFlags(flags);
    const t1 = performance.now();
    const num = (name: string) => (flags[name] === undefined ? undefined : Number(flags[name]));
    const split = Object.fromEntries(
      Object.entries({ seed: num('split-seed'), unseenFraction: num('unseen'), testFraction: num('test') }).filter(([, v]) => v !== undefined),
    );
    const stats = datasetStats(dataset, split);
    const t2 = performance.now();
    if (opinionqa) for (const line of formatOpinionQaSummary(opinionqa)) console.log(line);
    for (const line of formatStats(stats)) console.log(line);
    for (const line of skewStatsLines(dataset)) console.log(line);
    console.log(`time:           load ${((t1 - t0) / 1000).toFixed(2)} s, stats ${((t2 - t1) / 1000).toFixed(2)} s`);
    if (typeof flags.json === 'string') {
      await writeFile(flags.json, `${JSON.stringify({ stats, summary }, null, 2)}\n`);
      console.log(`wrote ${flags.json}`);
    }
    return 0;
  },
};
