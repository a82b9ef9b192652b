// Autograd's public face: the tape (record, backward, noGrad), the differentiable ops, parameters
// (freeze / unfreeze / zeroGrad), and the finite-difference gradient check.
export { backward, BackwardError, detach, isGradEnabled, noGrad, noGradAsync, record, type BackwardOptions, type Node } from './tape';
export * from './ops';
export { parameter, freeze, unfreeze, zeroGrad } from './parameter';
export { RULES, type OpName } from './rules';
export { gradcheck, type GradcheckInput, type GradcheckOptions, type GradcheckResult } from './gradcheck';
