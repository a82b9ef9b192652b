// softmax / log-softmax over the last axis, and their backward. One workgroup per row: threads
// stride over the row and combine the max and the sum in workgroup memory, so rows of 4096 (or a
// 50k vocabulary) are spread over WG threads; the max is subtracted first, so logits of 1e4 work.
// Shapes: x, y, dy, dx: [R, L] f32, contiguous.
// Bindings (main): @0 x (read) -> @1 y (write) -> @2 params (uniform).
// Bindings (entry point backward): @0 y (read), @3 dy (read) -> @1 dx (write) -> @2 params.
//   softmax:     dx = y * (dy - sum(dy * y))
//   log-softmax: dx = dy - exp(y) * sum(dy)
// Ops (override LOG): 0 softmax, 1 log-softmax.
// Tuning: WG (a power of two). Dispatch: R workgroups, spilling into y (params.groups_x per row).

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

var<workgroup> partial: array<f32, WG>;

fn reduce_max(lid: u32, v: f32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      partial[lid] = max(partial[lid], partial[lid + s]);
    }
    workgroupBarrier();
  }
  let r = partial[0];
  workgroupBarrier();
  return r;
}

fn reduce_sum(lid: u32, v: f32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      partial[lid] = partial[lid] + partial[lid + s];
    }
    workgroupBarrier();
  }
  let r = partial[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = wid.y * params.groups_x + wid.x;
  if (r >= params.rows) {
    return;
  }
  let base = r * params.cols;
  var m = -3.4028234e38;
  for (var c = lid; c < params.cols; c += WG) {
    m = max(m, x[base + c]);
  }
  m = reduce_max(lid, m);
  var s = 0.0;
  for (var c = lid; c < params.cols; c += WG) {
    s += exp(x[base + c] - m);
  }
  s = reduce_sum(lid, s);
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
fn backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
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
  s = reduce_sum(lid, s);
  for (var c = lid; c < params.cols; c += WG) {
    if (LOG == 1u) {
      y[base + c] = dy[base + c] - exp(x[base + c]) * s;
    } else {
      y[base + c] = x[base + c] * (dy[base + c] - s);
    }
  }
}
