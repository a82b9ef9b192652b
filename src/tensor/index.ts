// The tensor layer's public face: the Tensor value, the Backend interface, memory scopes.
export * from './tensor';
export * from './backend';
export { tidy, tidyAsync, keep, isKept, scopeDepth } from './scope';
