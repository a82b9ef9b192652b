// The app's Content-Security-Policy, in one place: the header the dev and preview servers send
// (vite.config.ts; scripts/serve.mjs serves through Vite's preview, so it sends it too) and the
// <meta> tag the production build writes into index.html.
//
// Why each source is there:
// - script-src 'self' 'wasm-unsafe-eval': our scripts and module workers are files of this origin;
//   WebAssembly.compile of the cpu backend's runtime-emitted SIMD matmul (and onnxruntime-web's
//   .wasm) needs 'wasm-unsafe-eval', which allows compiling WASM and nothing else (no eval()).
// - worker-src 'self': the runner worker is a module file of this origin (no blob: workers).
// - connect-src 'self' https:: the app's own files, and models or datasets the user fetches from a
//   URL they type (the Hugging Face hub or any https host; its redirects land on CDN hosts);
//   http://127.0.0.1:* and http://localhost:* for the external judge on this computer
//   (`npm run cli -- serve`, plain http on a port of the user's choice).
// - style-src 'self': one stylesheet file; React's style props go through the CSSOM, which a
//   policy does not block.
// - img-src 'self' data: the favicon and SVG charts (no remote images).
// WebGPU needs no source: it is an API, not a fetch.
//
// The dev server (vite dev) injects styles as <style> elements, an inline React-refresh preamble
// and a websocket for hot reload, so its header adds 'unsafe-inline' and ws:; the build and the
// preview server get the strict policy.

const STRICT = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'", 'https:', 'http://127.0.0.1:*', 'http://localhost:*'],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
};

/** Directives a <meta> policy ignores (browsers log a warning for them): header only. */
const HEADER_ONLY = { 'frame-ancestors': ["'none'"] };

function render(directives) {
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

/** The policy the preview server (and scripts/serve.mjs) sends. */
export const CSP_HEADER = render({ ...STRICT, ...HEADER_ONLY });

/** The policy written into the built index.html's <meta http-equiv>. */
export const CSP_META = render(STRICT);

/** The dev server's policy: the strict one plus what Vite's hot reload needs. */
export const CSP_DEV_HEADER = render({
  ...STRICT,
  ...HEADER_ONLY,
  'script-src': [...STRICT['script-src'], "'unsafe-inline'"],
  'style-src': [...STRICT['style-src'], "'unsafe-inline'"],
  'connect-src': [...STRICT['connect-src'], 'ws:', 'wss:'],
});
