// The import direction of DESIGN.md's architecture, as data. A file's layer is the longest key
// that prefixes its path under src/. A layer may import itself, `util`, and the layers listed.
// `experiments/client` is the main-thread side of the worker boundary: it may name the worker
// (its URL and message types) but nothing that computes.
const below = {
  gpu: [],
  tensor: ['gpu'],
  autograd: ['tensor', 'gpu'],
  nn: ['autograd', 'tensor', 'gpu'],
  models: ['nn', 'autograd', 'tensor', 'gpu'],
  data: [],
};
below.train = ['models', 'data', ...below.models];
below.experiments = ['train', 'experiments/protocol', ...below.train];
below.worker = ['experiments', ...below.experiments];
below.cli = ['experiments', ...below.experiments];

export const layers = {
  util: [],
  ...below,
  'experiments/client': ['worker', 'experiments/protocol'],
  'experiments/protocol': ['gpu'],
  store: ['experiments/client', 'experiments/protocol'],
  ui: ['store', 'experiments/client', 'experiments/protocol'],
  // The benchmark page (bench.html): runs the matmul suites on the user's GPU and CPU.
  bench: ['tensor', 'gpu'],
  '': ['ui', 'store'],
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
