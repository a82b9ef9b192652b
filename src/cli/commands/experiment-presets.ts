// `experiment presets`: the named presets, or one preset's full spec (defaults filled) as JSON,
// ready to edit and pass to `experiment run`.
import { PRESETS, presetSpec } from '../../experiments/presets';
import { parseFlags, type CliCommand } from '../command';

export const experimentPresets: CliCommand = {
  path: ['experiment', 'presets'],
  summary: 'List the experiment presets, or print one as a spec file',
  usage: ['[NAME]   print that preset\'s complete spec as JSON', '--json   list all presets as JSON'],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['json']);
    if (rest.length > 0) {
      console.log(JSON.stringify(presetSpec(rest[0]), null, 2));
      return 0;
    }
    if (flags.json) {
      console.log(JSON.stringify(PRESETS.map((p) => ({ name: p.name, title: p.title, description: p.description, where: p.where, spec: presetSpec(p.name) })), null, 2));
      return 0;
    }
    const w = Math.max(...PRESETS.map((p) => p.name.length));
    for (const p of PRESETS) console.log(`${p.name.padEnd(w)}  ${p.title}${p.where === 'cli' ? ' (CLI only)' : ''}\n${' '.repeat(w + 2)}${p.description}`);
    return 0;
  },
};
