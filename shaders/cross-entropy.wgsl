// cross-entropy and per-token log-probabilities of logits rows, with backward, and the mean over
// non-ignored targets. Per row n of logits [N, V] with target t = targets[n]:
//   lse_n = max + log(sum_v exp(logits[n, v] - max))     (stable for |logits| ~ 1e4)
//   mode 0 (cross-entropy): values[n] = lse_n - logits[n, t]
//   mode 1 (log-prob):      values[n] = logits[n, t] - lse_n
//   t == ignore_index: values[n] = 0 and a zero gradient row; t outside [0, V): NaN (loud).
// Backward, with upstream g = dvalues[n]: dlogits[n, v] = s * g * (softmax_v - [v == t]), s = +1
// for cross-entropy and -1 for log-probs.
// Mean: mean = sum of values over rows with t != ignore_index / their count (NaN when none, as
// PyTorch); its backward gives each counted row dmean / count and the others 0.
// Shapes: logits, dlogits: [N, V] f32; targets: [N] i32; values, lse, dvalues: [N]; mean, dmean: [1].
// Entry points, bindings inputs -> outputs -> uniforms:
//   rows           @0 logits, @1 targets -> @2 values, @3 lse -> @4 params. A workgroup per row.
//   backward       @0 logits, @1 targets, @5 lse, @6 dvalues -> @7 dlogits -> @8 params. A workgroup per row.
//   mean           @1 targets, @9 values -> @10 mean -> @11 params. One workgroup.
//   mean_backward  @1 targets, @12 dmean -> @13 dvalues -> @14 params. One workgroup.
// Row workgroups come as a 2-D grid: row = wid.y * gx + wid.x.
// Tuning: WG threads per workgroup (a power of two).

override WG: u32 = 256;

struct Params {
  n: u32,
  v: u32,
  ignore_index: i32,
  // 0: cross-entropy, 1: log-prob.
  mode: u32,
  gx: u32,
  // NaN, passed in because WGSL has no NaN constants.
  nan: f32,
};

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read_write> values: array<f32>;
@group(0) @binding(3) var<storage, read_write> lse: array<f32>;
@group(0) @binding(4) var<uniform> p_rows: Params;

@group(0) @binding(5) var<storage, read> lse_in: array<f32>;
@group(0) @binding(6) var<storage, read> dvalues_in: array<f32>;
@group(0) @binding(7) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(8) var<uniform> p_back: Params;

@group(0) @binding(9) var<storage, read> values_in: array<f32>;
@group(0) @binding(10) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(11) var<uniform> p_mean: Params;

@group(0) @binding(12) var<storage, read> dmean: array<f32>;
@group(0) @binding(13) var<storage, read_write> dvalues: array<f32>;
@group(0) @binding(14) var<uniform> p_meanb: Params;

var<workgroup> red: array<f32, WG>;
var<workgroup> cnt: array<u32, WG>;

fn wg_max(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      red[lid] = max(red[lid], red[lid + s]);
    }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

fn wg_sum(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      red[lid] += red[lid + s];
    }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

fn wg_count(lid: u32, x: u32) -> u32 {
  cnt[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      cnt[lid] += cnt[lid + s];
    }
    workgroupBarrier();
  }
  let r = cnt[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn rows(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let p = p_rows;
  let row = wid.y * p.gx + wid.x;
  if (row >= p.n) {
    return;
  }
  let base = row * p.v;
  var m = -3.0e38;
  for (var i = lid; i < p.v; i += WG) {
    m = max(m, logits[base + i]);
  }
  m = wg_max(lid, m);
  var s = 0.0;
  for (var i = lid; i < p.v; i += WG) {
    s += exp(logits[base + i] - m);
  }
  let l = m + log(wg_sum(lid, s));
  if (lid == 0u) {
    lse[row] = l;
    let t = targets[row];
    var val = 0.0;
    if (t != p.ignore_index) {
      if (t < 0 || u32(t) >= p.v) {
        val = p.nan;
      } else if (p.mode == 0u) {
        val = l - logits[base + u32(t)];
      } else {
        val = logits[base + u32(t)] - l;
      }
    }
    values[row] = val;
  }
}

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let p = p_back;
  let row = wid.y * p.gx + wid.x;
  if (row >= p.n) {
    return;
  }
  let base = row * p.v;
  let t = targets[row];
  var g = dvalues_in[row];
  if (p.mode == 1u) {
    g = -g;
  }
  let l = lse_in[row];
  let ignored = t == p.ignore_index;
  let invalid = !ignored && (t < 0 || u32(t) >= p.v);
  for (var i = lid; i < p.v; i += WG) {
    var d = 0.0;
    if (invalid) {
      d = p.nan;
    } else if (!ignored) {
      var y = exp(logits[base + i] - l);
      if (i32(i) == t) {
        y -= 1.0;
      }
      d = g * y;
    }
    dlogits[base + i] = d;
  }
}

@compute @workgroup_size(WG)
fn mean(@builtin(local_invocation_index) lid: u32) {
  let p = p_mean;
  var s = 0.0;
  var c = 0u;
  for (var i = lid; i < p.n; i += WG) {
    if (targets[i] != p.ignore_index) {
      s += values_in[i];
      c += 1u;
    }
  }
  let total = wg_sum(lid, s);
  let count = wg_count(lid, c);
  if (lid == 0u) {
    if (count == 0u) {
      mean_out[0] = p.nan;
    } else {
      mean_out[0] = total / f32(count);
    }
  }
}

@compute @workgroup_size(WG)
fn mean_backward(@builtin(local_invocation_index) lid: u32) {
  let p = p_meanb;
  var c = 0u;
  for (var i = lid; i < p.n; i += WG) {
    if (targets[i] != p.ignore_index) {
      c += 1u;
    }
  }
  let count = wg_count(lid, c);
  let g = dmean[0] / f32(max(count, 1u));
  for (var i = lid; i < p.n; i += WG) {
    var d = 0.0;
    if (targets[i] != p.ignore_index) {
      d = g;
    }
    dvalues[i] = d;
  }
}
