// The built-in data spec's `skew` field: which axes of the generated world are skewed and how far
// (src/data/builtin/skew.ts). Optional with no default: absent is the default world, and a spec
// without it parses, hashes and encodes exactly as before the field existed.
import { normalizeSkew, skewProblem, SKEW_MAX, SKEW_MIN, type Skew } from '../../data/builtin/skew';
import { fieldPath, SpecError, type Schema } from './schema';

export const skewSchema: Schema<Skew | undefined> = {
  describe: `an object of built-in axis: share of personas on its + pole in [${SKEW_MIN}, ${SKEW_MAX}], e.g. {"formality": 0.7}`,
  parse(v, path) {
    if (v === undefined) return undefined;
    const bad = skewProblem(v);
    if (bad) throw new SpecError(bad.key ? fieldPath(path, bad.key) : path, bad.problem);
    // Axes in one order, so equal skews hash and encode the same; {} is the default world.
    return normalizeSkew(v as Skew);
  },
};
