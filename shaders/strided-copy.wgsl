// strided-copy: dst[out_offset + c . out_strides] = f(src[in_offset + c . in_strides]) for every
// coordinate c of an iteration shape (rank <= 8). One kernel serves copy, permute, broadcast,
// slice, concat (one call per part) and dtype casts; words are copied as u32, so it is
// dtype-agnostic.
// Shapes: iteration shape [d0..d_{rank-1}], N = product; src and dst are flat word arrays.
// Bindings: @0 src (read) -> @1 dst (write) -> @2 params (uniform).
// Ops (override OP): 0 copy bits, 1 f32 -> i32 (truncate), 2 i32 -> f32.
// Tuning: WG. Dispatch: ceil(N / WG) workgroups, spilling into y.

override WG: u32 = 256;
override OP: u32 = 0u;

struct Params {
  n: u32,
  rank: u32,
  row: u32,
  in_offset: u32,
  out_offset: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  shape: array<vec4<u32>, 2>,
  in_strides: array<vec4<u32>, 2>,
  out_strides: array<vec4<u32>, 2>,
};

@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

fn at(v: array<vec4<u32>, 2>, j: u32) -> u32 {
  return v[j / 4u][j % 4u];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (i >= params.n) {
    return;
  }
  var rest = i;
  var si = params.in_offset;
  var di = params.out_offset;
  for (var j = i32(params.rank) - 1; j >= 0; j--) {
    let d = at(params.shape, u32(j));
    let c = rest % d;
    rest = rest / d;
    si += c * at(params.in_strides, u32(j));
    di += c * at(params.out_strides, u32(j));
  }
  let w = src[si];
  switch OP {
    case 1u: { dst[di] = bitcast<u32>(i32(bitcast<f32>(w))); }
    case 2u: { dst[di] = bitcast<u32>(f32(bitcast<i32>(w))); }
    default: { dst[di] = w; }
  }
}
