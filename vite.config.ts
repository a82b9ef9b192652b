/// <reference types="vitest/config" />
// Vite builds the lab (index.html); Vitest runs the
// unit project (plain Node, CPU) and the gpu project (Node + Dawn via the `webgpu` package).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// onnxruntime-web's threaded WASM needs SharedArrayBuffer, which needs cross-origin isolation.
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
  },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          include: ['tests/gpu/**/*.test.ts'],
          environment: 'node',
          // One Dawn device per worker; SwiftShader is slow, so generous timeouts and no parallel files.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
