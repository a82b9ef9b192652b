// From a validated spec to the list of arms the runner executes: the listed arms, then the
// sweep's arms (one per subset, or one per left-out attribute), each labelled for charts.
import { ATTRIBUTE_KEYS, customSubset, isAttributeKey, leaveOneOut, presetSubset, type AttributeKey, type AttributeSubset } from '../../data';
import { SpecError } from './schema';
import type { ExpandedArm, ExperimentSpec, SubsetSpec } from '../../protocol/spec';

/** A spec's attribute name as the data layer's key (parseSpec already checked it). */
export function attributeKey(name: string): AttributeKey {
  if (!isAttributeKey(name)) throw new SpecError('subset', `${JSON.stringify(name)} is not a persona attribute`);
  return name;
}

/** The data layer's subset for a spec's subset. */
export function resolveSubset(s: SubsetSpec): AttributeSubset {
  switch (s.kind) {
    case 'preset':
      return presetSubset(s.name);
    case 'leave-one-out':
      return leaveOneOut(attributeKey(s.attribute));
    case 'custom':
      return customSubset(s.attributes, s.attributes.length <= 3 ? s.attributes.join(' + ') : `custom (${s.attributes.length})`);
  }
}

export function subsetName(s: SubsetSpec): string {
  return resolveSubset(s).name;
}

export function expandArms(spec: ExperimentSpec): ExpandedArm[] {
  const arms: ExpandedArm[] = spec.arms.map((a) => ({ ...a, role: 'base' }));
  const sw = spec.sweep;
  if (!sw) return arms;
  const base = spec.arms[sw.arm];
  const taken = new Set(arms.map((a) => a.label));
  const add = (arm: ExpandedArm) => {
    let label = arm.label;
    for (let n = 2; taken.has(label); n++) label = `${arm.label} (${n})`;
    taken.add(label);
    arms.push({ ...arm, label });
  };
  if (sw.kind === 'subsets') {
    for (const subset of sw.subsets) add({ ...base, label: `${base.label} · ${subsetName(subset)}`, subset, role: 'subset', sweptArm: sw.arm });
  } else {
    for (const attribute of sw.attributes ?? ATTRIBUTE_KEYS) {
      add({ ...base, label: `${base.label} · all - ${attribute}`, subset: { kind: 'leave-one-out', attribute }, role: 'leave-one-out', leftOut: attribute, sweptArm: sw.arm });
    }
  }
  return arms;
}
