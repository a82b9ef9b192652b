// `policy presets`: the Stage-2 presets (and whether this build can run each: a method not
// implemented yet is named with its field), or one preset's complete spec as JSON to edit and pass
// to `policy run`.
import { POLICY_PRESETS, policyPresetSpec } from '../../experiments/policy/presets';
import { SpecError } from '../../experiments/spec/schema';
import { parseFlags, type CliCommand } from '../command';

export const policyPresets: CliCommand = {
  path: ['policy', 'presets'],
  summary: 'List the policy (Stage 2) presets, or print one as a spec file',
  usage: ["[NAME]   print that preset's complete spec as JSON"],
  async run(args) {
    const { rest } = parseFlags(args);
    if (rest.length > 0) {
      console.log(JSON.stringify(policyPresetSpec(rest[0]), null, 2));
      return 0;
    }
    const w = Math.max(...POLICY_PRESETS.map((p) => p.name.length));
    for (const p of POLICY_PRESETS) {
      let state = '';
      try {
        policyPresetSpec(p.name);
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        state = `\n${' '.repeat(w + 2)}cannot run in this build: ${e.message}`;
      }
      console.log(`${p.name.padEnd(w)}  ${p.title}\n${' '.repeat(w + 2)}${p.description}${state}`);
    }
    return 0;
  },
};
