// Policy run records from a JSON file, checked before the app keeps them: what `npm run cli --
// policy run` writes to runs/policy/ID.json and what the Policies view's "JSON" export downloads
// (one record or a list). A sweep run headless in Node is then read in the app's charts. Only the
// record travels: weights a CLI run saved to a folder stay there.
import { POLICY_RECORD_VERSION, type PolicyRecord } from '../../protocol/policy';
import { readRecordFile } from '../runs/import-file';
import { parsePolicySpec } from './spec';

export class PolicyRecordImportError extends Error {
  override name = 'PolicyRecordImportError';
}

function checkPolicyRecord(value: unknown, where: string): PolicyRecord {
  const r = value as Partial<PolicyRecord> | null;
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw new PolicyRecordImportError(`${where} is not a policy run record`);
  if (r.kind !== 'policy') throw new PolicyRecordImportError(`${where}: kind must be "policy", got ${JSON.stringify(r.kind)}${r.kind === undefined && 'importance' in r ? ' (an experiment run: import it in the Results view)' : ''}`);
  if (r.recordVersion !== POLICY_RECORD_VERSION) throw new PolicyRecordImportError(`${where}: recordVersion must be ${POLICY_RECORD_VERSION}, got ${JSON.stringify(r.recordVersion)}`);
  if (typeof r.id !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(r.id)) throw new PolicyRecordImportError(`${where}: id must be a run id, got ${JSON.stringify(r.id)?.slice(0, 120)}`);
  let spec;
  try {
    spec = parsePolicySpec(r.spec);
  } catch (e) {
    throw new PolicyRecordImportError(`${where}: its spec does not validate (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Array.isArray(r.arms) || r.arms.length !== spec.arms.length) throw new PolicyRecordImportError(`${where}: arms must be a list of ${spec.arms.length} (one per arm of its spec)`);
  r.arms.forEach((a, i) => {
    if (!a || typeof a !== 'object' || a.label !== spec.arms[i].label) throw new PolicyRecordImportError(`${where}: arms[${i}] must be the result of the spec's arm "${spec.arms[i].label}"`);
    if (!Array.isArray(a.eval) || !Array.isArray(a.curve)) throw new PolicyRecordImportError(`${where}: arms[${i}].eval and arms[${i}].curve must be lists`);
  });
  if (typeof r.status !== 'string') throw new PolicyRecordImportError(`${where}: status must be a string`);
  return r as PolicyRecord;
}

/** The records in a JSON export (one record or a list), each checked; throws PolicyRecordImportError naming the first bad one. */
export function readPolicyRecords(text: string): PolicyRecord[] {
  return readRecordFile(text, checkPolicyRecord, (m) => new PolicyRecordImportError(m));
}
