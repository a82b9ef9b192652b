// `analysis presets`: the named analysis presets, or one preset's complete spec as JSON, ready to
// edit and pass to `analysis run --spec`.
import { ANALYSIS_PRESETS, analysisPreset } from '../../experiments/analysis/spec';
import { parseFlags, type CliCommand } from '../command';

export const analysisPresets: CliCommand = {
  path: ['analysis', 'presets'],
  summary: 'List the analysis presets, or print one as a spec file',
  usage: ["[NAME]   print that preset's complete spec as JSON", '--json   list all presets as JSON'],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['json']);
    if (rest.length > 0) {
      console.log(JSON.stringify(analysisPreset(rest[0]), null, 2));
      return 0;
    }
    if (flags.json) {
      console.log(JSON.stringify(ANALYSIS_PRESETS, null, 2));
      return 0;
    }
    const w = Math.max(...ANALYSIS_PRESETS.map((p) => p.name.length));
    for (const p of ANALYSIS_PRESETS) console.log(`${p.name.padEnd(w)}  ${p.title}\n${' '.repeat(w + 2)}${p.description}`);
    return 0;
  },
};
