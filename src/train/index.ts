// train's public face (engine part): losses, the AdamW optimizer, run health checks.
export { crossEntropyLoss, tokenLogProbs, type CrossEntropyOptions } from './losses';
export { AdamW, type AdamWOptions } from './adamw';
export { assertFinite, NonFiniteLossError, readMetrics } from './health';
