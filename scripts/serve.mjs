// Serves the production build in dist/ with the cross-origin isolation headers onnxruntime-web's
// threaded WASM needs and the app's Content-Security-Policy (scripts/csp.mjs; both set as
// vite.config.ts's preview headers, which Vite's preview() reads), and prints the URL. `--port N` (default 5173, or
// the next free one), `--host H` (default 127.0.0.1; 0.0.0.0 to reach it from other computers —
// note browsers only expose WebGPU on https or localhost).
import { preview } from 'vite';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.PORT ?? 5173);
const strictPort = portArg > 0;
const hostArg = process.argv.indexOf('--host');
const host = hostArg > 0 ? process.argv[hostArg + 1] : '127.0.0.1';
const server = await preview({ preview: { port, strictPort, host, open: false } });
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
console.log(`\nPersona Lab is running at ${url}\n(Ctrl+C to stop)`);
