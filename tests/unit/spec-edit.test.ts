// Editing a draft spec in a spec form: values read and written at a field path, and the
// validator's complaint matched to the control whose path it names (or a path inside it).
import { describe, expect, it } from 'vitest';
import { complaintAt, getAt, pathString, setAt, type DraftCheck } from '../../src/ui/components/spec-form/spec-edit';

describe('a draft at a field path', () => {
  it('reads, writes a copy, and names the path as the validator does', () => {
    const draft = { arms: [{ train: { lr: 1 } }] };
    expect(getAt(draft, ['arms', 0, 'train', 'lr'])).toBe(1);
    expect(getAt(draft, ['arms', 1, 'train'])).toBeUndefined();
    const next = setAt(draft, ['arms', 0, 'train', 'lr'], 2);
    expect(getAt(next, ['arms', 0, 'train', 'lr'])).toBe(2);
    expect(draft.arms[0].train.lr).toBe(1);
    expect(setAt(draft, [], null)).toBeNull();
    expect(pathString(['arms', 1, 'train', 'lr'])).toBe('arms[1].train.lr');
  });
});

describe("the validator's complaint", () => {
  const bad = (path: string): DraftCheck => ({ ok: false, path, message: `${path}: must be positive` });
  it('belongs to the field it names and to the controls that hold it', () => {
    expect(complaintAt(bad('arms[0].method.beta'), ['arms', 0, 'method', 'beta'])?.message).toBe('arms[0].method.beta: must be positive');
    expect(complaintAt(bad('arms[0].method.beta'), ['arms', 0, 'method'])).not.toBeNull();
    expect(complaintAt(bad('arms[0].subset[2]'), ['arms', 0, 'subset'])).not.toBeNull();
  });

  it('not to a field whose name only starts the same, another arm, or no field at all', () => {
    expect(complaintAt(bad('arms[0].method.betaMax'), ['arms', 0, 'method', 'beta'])).toBeNull();
    expect(complaintAt(bad('arms[10].label'), ['arms', 1])).toBeNull();
    expect(complaintAt(bad(''), ['name'])).toBeNull();
    expect(complaintAt({ ok: true, spec: {} }, ['name'])).toBeNull();
    expect(complaintAt(null, ['name'])).toBeNull();
  });
});
