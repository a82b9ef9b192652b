// The spec types live with the other message types in ../protocol/spec.ts (the UI reads them
// too); this module re-exports them for the experiments code.
export * from '../protocol/spec';
