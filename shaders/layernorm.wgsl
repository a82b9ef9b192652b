// layernorm: y = (x - mean) * rstd * weight + bias over the last axis, with
// rstd = 1 / sqrt(var + eps) (biased variance, as torch.nn.LayerNorm), and its backward.
// Backward, with xh = (x - mean) * rstd and g = dy * weight:
//   dx = rstd * (g - mean(g) - xh * mean(g * xh)),  dweight = sum_rows dy * xh,  dbias = sum_rows dy.
// Shapes: x, y, dy, dx: [N, C] f32 (N = B*T rows); weight, bias, dweight, dbias: [C]; mean, rstd: [N].
// Entry points, bindings inputs -> outputs -> uniforms:
//   forward       @0 x, @1 weight, @2 bias -> @3 y, @4 mean, @5 rstd -> @6 params. A workgroup per row.
//   backward_dx   @0 x, @1 weight, @2 mean, @3 rstd, @4 dy -> @5 dx -> @6 params. A workgroup per row.
//   backward_dwb  @0 x, @2 mean, @3 rstd, @4 dy -> @7 dweight, @8 dbias -> @9 params. A workgroup
//                 owns CW channels; its RW lanes per channel split the rows.
// The variance is computed in a second pass over the row (sum of (x - mean)^2), which stays exact
// for rows with a large common offset where E[x^2] - mean^2 would cancel.
// Tuning: WG threads per row (power of two); CW x RW threads for backward_dwb (RW power of two).
// Row workgroups come as a 2-D grid (x, y): row = wid.y * gx + wid.x.

override WG: u32 = 128;
override CW: u32 = 32;
override RW: u32 = 8;

struct Params {
  n: u32,
  c: u32,
  eps: f32,
  gx: u32,
};

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> mean: array<f32>;
@group(0) @binding(5) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(6) var<uniform> pf: Params;

@group(0) @binding(2) var<storage, read> mean_in: array<f32>;
@group(0) @binding(3) var<storage, read> rstd_in: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;
@group(0) @binding(6) var<uniform> pdx: Params;

@group(0) @binding(7) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(8) var<storage, read_write> dbias: array<f32>;
@group(0) @binding(9) var<uniform> pdw: Params;

var<workgroup> red: array<f32, WG>;
var<workgroup> lanes_w: array<f32, CW * RW>;
var<workgroup> lanes_b: array<f32, CW * RW>;

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
  var s = 0.0;
  for (var i = lid; i < pf.c; i += WG) {
    s += x[base + i];
  }
  let mu = row_sum(lid, s) / f32(pf.c);
  var ss = 0.0;
  for (var i = lid; i < pf.c; i += WG) {
    let d = x[base + i] - mu;
    ss += d * d;
  }
  let r = 1.0 / sqrt(row_sum(lid, ss) / f32(pf.c) + pf.eps);
  if (lid == 0u) {
    mean[row] = mu;
    rstd[row] = r;
  }
  for (var i = lid; i < pf.c; i += WG) {
    y[base + i] = (x[base + i] - mu) * r * weight[i] + bias[i];
  }
}

@compute @workgroup_size(WG)
fn backward_dx(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * pdx.gx + wid.x;
  if (row >= pdx.n) {
    return;
  }
  let base = row * pdx.c;
  let mu = mean_in[row];
  let r = rstd_in[row];
  var sg = 0.0;
  var sgx = 0.0;
  for (var i = lid; i < pdx.c; i += WG) {
    let g = dy[base + i] * weight[i];
    sg += g;
    sgx += g * ((x[base + i] - mu) * r);
  }
  let mg = row_sum(lid, sg) / f32(pdx.c);
  let mgx = row_sum(lid, sgx) / f32(pdx.c);
  for (var i = lid; i < pdx.c; i += WG) {
    let xh = (x[base + i] - mu) * r;
    dx[base + i] = r * (dy[base + i] * weight[i] - mg - xh * mgx);
  }
}

@compute @workgroup_size(CW, RW)
fn backward_dwb(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
  let cl = lid3.x;
  let rl = lid3.y;
  let ch = wid.x * CW + cl;
  var aw = 0.0;
  var ab = 0.0;
  if (ch < pdw.c) {
    for (var row = rl; row < pdw.n; row += RW) {
      let i = row * pdw.c + ch;
      aw += dy[i] * ((x[i] - mean_in[row]) * rstd_in[row]);
      ab += dy[i];
    }
  }
  lanes_w[rl * CW + cl] = aw;
  lanes_b[rl * CW + cl] = ab;
  workgroupBarrier();
  for (var s = RW / 2u; s > 0u; s = s >> 1u) {
    if (rl < s) {
      lanes_w[rl * CW + cl] += lanes_w[(rl + s) * CW + cl];
      lanes_b[rl * CW + cl] += lanes_b[(rl + s) * CW + cl];
    }
    workgroupBarrier();
  }
  if (rl == 0u && ch < pdw.c) {
    dweight[ch] = lanes_w[cl];
    dbias[ch] = lanes_b[cl];
  }
}
