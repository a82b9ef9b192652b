// embedding: gather rows of a table by token id, and the backward, a scatter-add of the output
// gradient into a [V, C] table gradient without float atomics (WGSL has none): the tokens of each
// vocab row are chained into a linked list in token order (head = the first token, found with a
// u32 atomicMin; next = the following token with the same id), and one thread per (row, channel)
// walks its row's list. Sums run in token order, so results are deterministic.
// Shapes: table, dtable: [V, C] f32; ids: [N] i32 (N = B*T); out, dy: [N, C] f32;
// scratch: [V + N] u32 (head [V], then next [N]). Ids outside [0, V) gather NaN (loud, never a
// silent row 0) and are skipped by the backward.
// Entry points, bindings inputs -> outputs -> uniforms (every grid is 1-D over WG-thread groups,
// spilling into y: index = gid.y * row + gid.x):
//   gather      @0 table, @1 ids -> @2 out -> @3 params. One thread per (n, c).
//   head_init   @4 scratch -> @3 params. One thread per v: head[v] = NONE.
//   head_min    @1 ids -> @5 scratch (atomic) -> @3 params. One thread per n.
//   next_link   @1 ids -> @4 scratch -> @3 params. One thread per n; scans later tokens.
//   accumulate  @6 dy, @7 links (= scratch) -> @8 dtable -> @3 params. One thread per (v, c).
// Tuning: WG, the workgroup size.

override WG: u32 = 256;

const NONE: u32 = 0xffffffffu;

struct Params {
  v: u32,
  c: u32,
  n: u32,
  // Threads per row of the dispatch grid.
  row: u32,
};

@group(0) @binding(0) var<storage, read> table: array<f32>;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
@group(0) @binding(4) var<storage, read_write> scratch: array<u32>;
@group(0) @binding(5) var<storage, read_write> heads: array<atomic<u32>>;
@group(0) @binding(6) var<storage, read> dy: array<f32>;
@group(0) @binding(7) var<storage, read> links: array<u32>;
@group(0) @binding(8) var<storage, read_write> dtable: array<f32>;

fn valid(id: i32) -> bool {
  return id >= 0 && u32(id) < params.v;
}

@compute @workgroup_size(WG)
fn gather(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (i >= params.n * params.c) {
    return;
  }
  let n = i / params.c;
  let c = i % params.c;
  let id = ids[n];
  if (valid(id)) {
    out[i] = table[u32(id) * params.c + c];
  } else {
    // NaN: 0x7fc00000 through a runtime value (a constant NaN is a shader-creation error).
    out[i] = bitcast<f32>(0x7fc00000u | (params.c & 0u));
  }
}

@compute @workgroup_size(WG)
fn head_init(@builtin(global_invocation_id) gid: vec3<u32>) {
  let v = gid.y * params.row + gid.x;
  if (v < params.v) {
    scratch[v] = NONE;
  }
}

@compute @workgroup_size(WG)
fn head_min(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.y * params.row + gid.x;
  if (n < params.n && valid(ids[n])) {
    atomicMin(&heads[u32(ids[n])], n);
  }
}

@compute @workgroup_size(WG)
fn next_link(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.y * params.row + gid.x;
  if (n >= params.n) {
    return;
  }
  let id = ids[n];
  var next = NONE;
  for (var m = n + 1u; m < params.n; m++) {
    if (ids[m] == id) {
      next = m;
      break;
    }
  }
  scratch[params.v + n] = next;
}

@compute @workgroup_size(WG)
fn accumulate(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (i >= params.v * params.c) {
    return;
  }
  let v = i / params.c;
  let c = i % params.c;
  var sum = 0.0;
  var n = links[v];
  while (n != NONE) {
    sum += dy[n * params.c + c];
    n = links[params.v + n];
  }
  dtable[i] = sum;
}
