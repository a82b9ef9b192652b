// rmsnorm: HF LlamaRMSNorm and its backward. y = (x * rstd) * weight, with
// rstd = 1 / sqrt(mean(x^2) + eps) over the last axis.
// Backward, with xh = x * rstd and g = dy * weight:
//   dx = rstd * (g - xh * mean(g * xh)),   dweight[c] = sum over rows of dy * xh.
// Shapes: x, y, dy, dx: [N, C] f32 (N = B*T rows); weight, dweight: [C]; rstd: [N].
// Entry points, bindings inputs -> outputs -> uniforms:
//   forward      @0 x, @1 weight -> @2 y, @3 rstd -> @4 params. One workgroup per row.
//   backward_dx  @0 x, @1 weight, @2 rstd, @3 dy -> @4 dx -> @5 params. One workgroup per row.
//   backward_dw  @0 x, @2 rstd, @3 dy -> @6 dweight -> @7 params. A workgroup owns CW channels;
//                its RW lanes per channel split the rows and are summed in workgroup memory.
// Tuning: WG threads per row (power of two); CW x RW threads for backward_dw (RW power of two).
// Row workgroups come as a 2-D grid (x, y): row = wid.y * gx + wid.x.

override WG: u32 = 128;
override CW: u32 = 32;
override RW: u32 = 8;

struct Params {
  n: u32,
  c: u32,
  eps: f32,
  // Workgroups along x of the row grid.
  gx: u32,
};

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(4) var<uniform> pf: Params;

@group(0) @binding(2) var<storage, read> rstd_in: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<uniform> pdx: Params;

@group(0) @binding(6) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(7) var<uniform> pdw: Params;

var<workgroup> red: array<f32, WG>;
var<workgroup> lanes: array<f32, CW * RW>;

// Sum of `v` over the workgroup's WG threads; every thread gets the total.
fn row_sum(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      red[lid] += red[lid + s];
    }
    workgroupBarrier();
  }
  let total = red[0];
  // `red` is reused by the next call.
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * pf.gx + wid.x;
  if (row >= pf.n) {
    return;
  }
  let base = row * pf.c;
  var ss = 0.0;
  for (var i = lid; i < pf.c; i += WG) {
    let v = x[base + i];
    ss += v * v;
  }
  let r = 1.0 / sqrt(row_sum(lid, ss) / f32(pf.c) + pf.eps);
  if (lid == 0u) {
    rstd[row] = r;
  }
  for (var i = lid; i < pf.c; i += WG) {
    y[base + i] = (x[base + i] * r) * weight[i];
  }
}

@compute @workgroup_size(WG)
fn backward_dx(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * pdx.gx + wid.x;
  if (row >= pdx.n) {
    return;
  }
  let base = row * pdx.c;
  let r = rstd_in[row];
  var acc = 0.0;
  for (var i = lid; i < pdx.c; i += WG) {
    acc += dy[base + i] * weight[i] * (x[base + i] * r);
  }
  let m = row_sum(lid, acc) / f32(pdx.c);
  for (var i = lid; i < pdx.c; i += WG) {
    dx[base + i] = r * (dy[base + i] * weight[i] - (x[base + i] * r) * m);
  }
}

@compute @workgroup_size(CW, RW)
fn backward_dw(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
  let cl = lid3.x;
  let rl = lid3.y;
  let ch = wid.x * CW + cl;
  var acc = 0.0;
  if (ch < pdw.c) {
    for (var row = rl; row < pdw.n; row += RW) {
      let i = row * pdw.c + ch;
      acc += dy[i] * (x[i] * rstd_in[row]);
    }
  }
  lanes[rl * CW + cl] = acc;
  workgroupBarrier();
  for (var s = RW / 2u; s > 0u; s = s >> 1u) {
    if (rl < s) {
      lanes[rl * CW + cl] += lanes[(rl + s) * CW + cl];
    }
    workgroupBarrier();
  }
  if (rl == 0u && ch < pdw.c) {
    dweight[ch] = lanes[cl];
  }
}
