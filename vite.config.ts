/// <reference types="vitest/config" />
// Vite builds the lab (index.html); Vitest runs the
// unit project (plain Node, CPU) and the gpu project (Node + Dawn via the `webgpu` package).
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CSP_DEV_HEADER, CSP_HEADER, CSP_META } from './scripts/csp.mjs';

// onnxruntime-web's threaded WASM needs SharedArrayBuffer, which needs cross-origin isolation.
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The built index.html carries the policy as a <meta> tag too (a host that drops the header keeps it). */
function cspMeta(): Plugin {
  return {
    name: 'persona-lab-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), cspMeta()],
  // The Content-Security-Policy: see scripts/csp.mjs (the dev server's adds what hot reload needs).
  server: { headers: { ...crossOriginIsolation, 'Content-Security-Policy': CSP_DEV_HEADER } },
  preview: { headers: { ...crossOriginIsolation, 'Content-Security-Policy': CSP_HEADER } },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
  },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 120_000 },
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
