// binary: out = a (op) b elementwise with numpy broadcasting, and an in-place axpy.
// Shapes: out [d0..d_{rank-1}] (rank <= 8), contiguous, N elements; a and b are read through
// strides over out's shape (stride 0 on a broadcast dimension).
// Bindings (main): @0 a (read), @1 b (read) -> @2 out (write) -> @3 params (uniform).
// Bindings (entry point axpy: out += a * scale, same shapes): @0 a (read) -> @2 out (read-write)
// -> @3 params.
// Ops (override OP): 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum.
// Tuning: WG. Dispatch: ceil(N / WG) workgroups, spilling into y.

override WG: u32 = 256;
override OP: u32 = 0u;

struct Params {
  n: u32,
  rank: u32,
  row: u32,
  // 1 when a and b have out's shape: no index arithmetic.
  same: u32,
  scale: f32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  shape: array<vec4<u32>, 2>,
  a_strides: array<vec4<u32>, 2>,
  b_strides: array<vec4<u32>, 2>,
};

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

fn at(v: array<vec4<u32>, 2>, j: u32) -> u32 {
  return v[j / 4u][j % 4u];
}

fn apply(x: f32, y: f32) -> f32 {
  switch OP {
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return max(x, y); }
    case 5u: { return min(x, y); }
    default: { return x + y; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (i >= params.n) {
    return;
  }
  if (params.same == 1u) {
    out[i] = apply(a[i], b[i]);
    return;
  }
  var rest = i;
  var ai = 0u;
  var bi = 0u;
  for (var j = i32(params.rank) - 1; j >= 0; j--) {
    let d = at(params.shape, u32(j));
    let c = rest % d;
    rest = rest / d;
    ai += c * at(params.a_strides, u32(j));
    bi += c * at(params.b_strides, u32(j));
  }
  out[i] = apply(a[ai], b[bi]);
}

@compute @workgroup_size(WG)
fn axpy(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (i >= params.n) {
    return;
  }
  out[i] = out[i] + a[i] * params.scale;
}
