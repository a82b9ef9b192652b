// The methods a person can pick for an arm in the spec builder, each with the method spec (and
// its defaults) a new arm gets. The worker serves this list (experimentMethods), so the UI never
// repeats it: adding a method means an entry here and a builder in ./index.ts.
import type { MethodOption } from '../../protocol/spec';

export const METHOD_CATALOGUE: readonly MethodOption[] = [
  { value: 'rm-bt', label: 'Reward model, Bradley–Terry', method: { kind: 'reward-model', loss: 'bradley-terry' } },
  { value: 'rm-pair', label: 'Reward model, pairwise', method: { kind: 'reward-model', loss: 'pairwise' } },
  { value: 'roleplay', label: 'Roleplay prompting', method: { kind: 'roleplay', readout: 'choice' } },
  { value: 'few-shot', label: 'Few-shot dialog', method: { kind: 'few-shot', k: 2, readout: 'choice' } },
];
