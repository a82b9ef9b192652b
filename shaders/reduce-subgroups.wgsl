// reduce with subgroup combination: the `subgroups` twin of reduce.wgsl (same bindings, params,
// ops and dispatch), picked by src/tensor/kernels/reduce.ts where the device has the feature
// (GpuContext.variants.subgroups). After each thread's strided pass, partial results combine
// within each subgroup (subgroupAdd / subgroupMax), then across subgroups through one workgroup
// slot per subgroup (claimed with an atomic counter: nothing is assumed about how subgroups lie
// over local_invocation_index, so partial sums may be added in a different order from run to run).
// One barrier where reduce.wgsl's tree takes log2(WG) + 1.
// Shapes: as reduce.wgsl. Bindings: @0 x (read) -> @1 out (write) -> @2 params (uniform).
// Ops (override OP): 0 sum, 1 mean, 2 max, 3 sum of squares. Tuning: WG (a power of two, >= 4).
// Dispatch: NO workgroups, spilling into y (params.groups_x per row).
enable subgroups;

override WG: u32 = 256;
override OP: u32 = 0u;

struct Params {
  n_out: u32,
  n_inner: u32,
  outer_rank: u32,
  inner_rank: u32,
  groups_x: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  outer_shape: array<vec4<u32>, 2>,
  outer_strides: array<vec4<u32>, 2>,
  inner_shape: array<vec4<u32>, 2>,
  inner_strides: array<vec4<u32>, 2>,
};

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

// A subgroup has at least 4 invocations, so WG / 4 slots always suffice.
var<workgroup> slots: array<f32, WG / 4u>;
var<workgroup> slot_count: atomic<u32>;

fn at(v: array<vec4<u32>, 2>, j: u32) -> u32 {
  return v[j / 4u][j % 4u];
}

// OP is an override constant, so both calls sit in uniform control flow.
fn subgroup_combine(v: f32) -> f32 {
  if (OP == 2u) {
    return subgroupMax(v);
  }
  return subgroupAdd(v);
}

fn combine(p: f32, q: f32) -> f32 {
  if (OP == 2u) {
    return max(p, q);
  }
  return p + q;
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) size: u32,
) {
  let o = wid.y * params.groups_x + wid.x;
  // Whole workgroups leave together, so the barriers below stay uniform.
  if (o >= params.n_out) {
    return;
  }
  var rest = o;
  var base = 0u;
  for (var j = i32(params.outer_rank) - 1; j >= 0; j--) {
    let d = at(params.outer_shape, u32(j));
    base += (rest % d) * at(params.outer_strides, u32(j));
    rest = rest / d;
  }
  var acc = select(0.0, -3.4028234e38, OP == 2u);
  var seen = false;
  for (var e = lid; e < params.n_inner; e += WG) {
    var r = e;
    var idx = base;
    for (var j = i32(params.inner_rank) - 1; j >= 0; j--) {
      let d = at(params.inner_shape, u32(j));
      idx += (r % d) * at(params.inner_strides, u32(j));
      r = r / d;
    }
    var v = x[idx];
    if (OP == 3u) {
      v = v * v;
    }
    if (OP == 2u && !seen) {
      acc = v;
      seen = true;
    } else {
      acc = combine(acc, v);
    }
  }
  let own = subgroup_combine(acc);
  if (lane == 0u) {
    slots[atomicAdd(&slot_count, 1u)] = own;
  }
  workgroupBarrier();
  let n = atomicLoad(&slot_count);
  var t = select(0.0, -3.4028234e38, OP == 2u);
  for (var i = lane; i < n; i += size) {
    t = combine(t, slots[i]);
  }
  let total = subgroup_combine(t);
  if (lid == 0u) {
    var result = total;
    if (OP == 1u) {
      result = result / f32(params.n_inner);
    }
    out[o] = result;
  }
}
