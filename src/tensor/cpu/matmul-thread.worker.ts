// A browser thread of the cpu backend's pool (./thread-pool.ts): a module worker file of this
// origin (the app's CSP allows no blob: or eval'd workers). It receives the compiled kernel, the
// shared memory and the control block, then runs ./thread-loop.ts until told to stop (waiting
// without blocking while idle, so the browser can still reach the worker).
import { threadMainAsync, takeTasks, type CTL, type KernelFn } from './thread-loop';

interface Init {
  module: WebAssembly.Module;
  /** The few-rows kernels (./matmul-rows-wasm.ts) on the same memory. */
  rowsModule: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctl: SharedArrayBuffer;
  layout: typeof CTL;
  slot: number;
}

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<Init>) => void) | null; postMessage(m: unknown): void };

scope.onmessage = (e) => {
  scope.onmessage = null;
  const { module, rowsModule, memory, ctl, layout, slot } = e.data;
  const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
  const rows = new WebAssembly.Instance(rowsModule, { env: { mem: memory } }).exports;
  scope.postMessage('ready');
  void threadMainAsync(new Int32Array(ctl), [instance.exports.kernel, rows.rows1, rows.rows2] as KernelFn[], layout, slot, takeTasks);
};
