// The import direction of DESIGN.md's architecture, as data. A file's layer is the longest key
// that prefixes its path under src/. A layer may import itself, `util`, and the layers listed.
// `protocol` is the app<->worker boundary (messages, records, RunnerApi, the client): both sides
// import it, and it imports nothing that computes (only gpu's capability types), so the app
// reaches the engine only through the worker.
const below = {
  gpu: [],
  tensor: ['gpu'],
  autograd: ['tensor', 'gpu'],
  nn: ['autograd', 'tensor', 'gpu'],
  models: ['nn', 'autograd', 'tensor', 'gpu'],
  data: [],
};
// The built-in model's folder also reads the built-in world: its prompt format is that world's
// persona lines and answer poles. The rest of models/ stays free of data.
below['models/builtin'] = ['models', 'data', ...below.models];
below.train = ['models', 'models/builtin', 'data', ...below.models];
below.experiments = ['train', 'protocol', ...below.train];
below.worker = ['experiments', ...below.experiments];
// The CLI's `bench` command runs the benchmark suites of src/bench (the page runs them too).
below.cli = ['experiments', 'bench', ...below.experiments];

export const layers = {
  util: [],
  ...below,
  protocol: ['gpu'],
  store: ['protocol'],
  ui: ['store', 'protocol'],
  // The benchmarks (matmul suites, contenders, the ONNX writer) and their page (bench.html), run
  // on the user's GPU and CPU; nothing in the engine imports them.
  bench: ['tensor', 'gpu'],
  '': ['ui', 'store'],
};

// Starting a Web Worker (`new Worker(new URL('../worker/x.ts', import.meta.url))`) names the
// worker's module without running it on this side: the client may do that, never import it.
export const spawns = {
  protocol: ['worker'],
};

/** The layer of a path relative to src/ (posix separators), or undefined outside src. */
export function layerOf(srcRelative) {
  let best;
  for (const key of Object.keys(layers)) {
    if (key === '') continue;
    if (srcRelative === key || srcRelative.startsWith(key + '/') || srcRelative.startsWith(key + '.')) {
      if (best === undefined || key.length > best.length) best = key;
    }
  }
  return best ?? '';
}

export function mayImport(from, to) {
  return from === to || to === 'util' || layers[from]?.includes(to) === true;
}

export function maySpawn(from, to) {
  return mayImport(from, to) || spawns[from]?.includes(to) === true;
}
