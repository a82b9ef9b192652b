// softmax / log-softmax over the last axis, and their backward, with subgroup reductions: the
// `subgroups` twin of softmax.wgsl (same bindings, params, ops and dispatch), picked by
// src/tensor/kernels/softmax.ts where the device has the feature (GpuContext.variants.subgroups).
// A row's max and sum combine first within each subgroup (subgroupMax / subgroupAdd, no barrier),
// then across subgroups through one workgroup slot per subgroup: one barrier per reduction where
// softmax.wgsl's tree takes log2(WG) + 1. Slots are claimed with an atomic counter, so nothing is
// assumed about how subgroups are laid over local_invocation_index; a sum may therefore add the
// subgroups' partial sums in a different order from run to run (a rounding difference, ~1 ulp).
// Shapes: x, y, dy, dx: [R, L] f32, contiguous.
// Bindings (main): @0 x (read) -> @1 y (write) -> @2 params (uniform).
// Bindings (entry point backward): @0 y (read), @3 dy (read) -> @1 dx (write) -> @2 params.
// Ops (override LOG): 0 softmax, 1 log-softmax. Tuning: WG (a power of two, >= 4).
// Dispatch: R workgroups, spilling into y (params.groups_x per row).
enable subgroups;

override WG: u32 = 256;
override LOG: u32 = 0u;

struct Params {
  rows: u32,
  cols: u32,
  groups_x: u32,
  pad0: u32,
};

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read> dy: array<f32>;

// A subgroup has at least 4 invocations, so WG / 4 slots always suffice. Each reduction of an
// entry point has its own slots and counter (zeroed at the workgroup's start), so no barrier is
// needed to reuse them.
var<workgroup> max_slots: array<f32, WG / 4u>;
var<workgroup> max_count: atomic<u32>;
var<workgroup> sum_slots: array<f32, WG / 4u>;
var<workgroup> sum_count: atomic<u32>;

fn row_max(v: f32, lane: u32, size: u32) -> f32 {
  let s = subgroupMax(v);
  if (lane == 0u) {
    max_slots[atomicAdd(&max_count, 1u)] = s;
  }
  workgroupBarrier();
  let n = atomicLoad(&max_count);
  var t = -3.4028234e38;
  for (var i = lane; i < n; i += size) {
    t = max(t, max_slots[i]);
  }
  return subgroupMax(t);
}

fn row_sum(v: f32, lane: u32, size: u32) -> f32 {
  let s = subgroupAdd(v);
  if (lane == 0u) {
    sum_slots[atomicAdd(&sum_count, 1u)] = s;
  }
  workgroupBarrier();
  let n = atomicLoad(&sum_count);
  var t = 0.0;
  for (var i = lane; i < n; i += size) {
    t += sum_slots[i];
  }
  return subgroupAdd(t);
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) size: u32,
) {
  let r = wid.y * params.groups_x + wid.x;
  if (r >= params.rows) {
    return;
  }
  let base = r * params.cols;
  var m = -3.4028234e38;
  for (var c = lid; c < params.cols; c += WG) {
    m = max(m, x[base + c]);
  }
  m = row_max(m, lane, size);
  var s = 0.0;
  for (var c = lid; c < params.cols; c += WG) {
    s += exp(x[base + c] - m);
  }
  s = row_sum(s, lane, size);
  if (LOG == 1u) {
    let lse = m + log(s);
    for (var c = lid; c < params.cols; c += WG) {
      y[base + c] = x[base + c] - lse;
    }
  } else {
    let inv = 1.0 / s;
    for (var c = lid; c < params.cols; c += WG) {
      y[base + c] = exp(x[base + c] - m) * inv;
    }
  }
}

@compute @workgroup_size(WG)
fn backward(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) size: u32,
) {
  let r = wid.y * params.groups_x + wid.x;
  if (r >= params.rows) {
    return;
  }
  let base = r * params.cols;
  var s = 0.0;
  for (var c = lid; c < params.cols; c += WG) {
    if (LOG == 1u) {
      s += dy[base + c];
    } else {
      s += dy[base + c] * x[base + c];
    }
  }
  s = row_sum(s, lane, size);
  for (var c = lid; c < params.cols; c += WG) {
    if (LOG == 1u) {
      y[base + c] = dy[base + c] - exp(x[base + c]) * s;
    } else {
      y[base + c] = x[base + c] * (dy[base + c] - s);
    }
  }
}
