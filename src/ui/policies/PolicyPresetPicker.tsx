// Stage 2's presets (the runnable ones, the same as `npm run cli -- policy presets`): picking one
// loads its spec into the builder.
import { usePolicies } from '../../store/policies';
import { PresetList } from '../components/PresetList';

export function PolicyPresetPicker() {
  const presets = usePolicies((s) => s.presets);
  const current = usePolicies((s) => s.preset);
  const choose = usePolicies((s) => s.choosePreset);
  return <PresetList group="policy-presets" legend="Start from a policy preset" presets={presets} current={current} onChoose={(name) => void choose(name)} />;
}
