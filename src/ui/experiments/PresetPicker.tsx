// Stage 1's presets: picking one loads its spec into the builder.
import { useExperiments, usePresets } from '../../store/experiments';
import { PresetList } from '../components/PresetList';

export function PresetPicker() {
  const presets = usePresets();
  const current = useExperiments((s) => s.preset);
  const choose = useExperiments((s) => s.choosePreset);
  return <PresetList group="presets" legend="Start from a preset" presets={presets} current={current} onChoose={(name) => void choose(name)} />;
}
