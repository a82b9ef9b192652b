// Serves the production build in dist/ with the cross-origin isolation headers onnxruntime-web's
// threaded WASM needs (set in vite.config.ts), and prints the URL. `--port N` (default 5173, or
// the next free one).
import { preview } from 'vite';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.PORT ?? 5173);
const strictPort = portArg > 0;
const server = await preview({ preview: { port, strictPort, host: '127.0.0.1', open: false } });
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
console.log(`\nPersona Lab is running at ${url}\n(Ctrl+C to stop)`);
