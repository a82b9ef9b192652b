// Node 20's V8 has WebAssembly relaxed SIMD behind a flag (Chrome and Node >= 21 ship it): the
// CLI turns it on before any module compiles, so the cpu backend's matmul kernel can use the fused
// multiply-add f32x4.relaxed_madd (src/tensor/cpu/matmul-fast-wasm.ts). The kernel checks with
// WebAssembly.validate whether it took, and multiplies then adds where not.
import { setFlagsFromString } from 'node:v8';

export function enableWasmRelaxedSimd(): void {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}
