// The one error class of the policy losses and PPO/RLOO math: an option out of range or inputs that
// do not fit together (shapes, masks with no tokens). The message names the function, the value and
// what to change, so a spec validator or the runner can show it as it is.
export class PolicyLossError extends Error {
  override name = 'PolicyLossError';
}

/** Throws PolicyLossError unless `ok`. */
export function ensure(ok: boolean, message: string): asserts ok {
  if (!ok) throw new PolicyLossError(message);
}
