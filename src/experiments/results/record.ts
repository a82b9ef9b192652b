// Run record types live with the other message types in ../protocol/record.ts (the UI reads them
// too); this module re-exports them for the experiments code.
export * from '../protocol/record';
