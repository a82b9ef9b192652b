// nn's public face: the Module tree and the basic layers.
export { Module } from './module';
export { Embedding, LayerNorm, Linear, RMSNorm, type InitOptions } from './layers';
