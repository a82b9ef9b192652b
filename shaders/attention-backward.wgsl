// attention backward: dq, dk, dv of shaders/attention.wgsl, flash-attention-2 style without
// atomics: probabilities are recomputed from the saved lse, and the two reductions run in
// separate entry points, one parallel over query blocks (dq) and one over key blocks (dk, dv, which
// also sums over the HQ / HKV query heads sharing a KV head).
//   p_tj = exp(scale * q_t . k_j - lse_t) on allowed (t, j) (see attention.wgsl), else 0
//   delta_t = dout_t . out_t,  ds_tj = p_tj * (dout_t . v_j - delta_t)
//   dq_t = scale * sum_j ds_tj k_j,  dk_j = scale * sum_t ds_tj q_t,  dv_j = sum_t p_tj dout_t
// Mask bits are tested with the sign cleared, so f32 -0.0 counts as padding like 0.
// Shapes: q, out, dout, dq: [B, HQ, T, D]; k, v, dk, dv: [B, HKV, S, D] (strided as in params:
// element (b, h, t, d) at b * sb + h * sh + t * st + d); mask: [B, S] u32/f32 bits; lse, delta:
// [B, HQ, T] f32.
// Entry points, bindings inputs -> outputs -> uniforms:
//   delta_rows  @0 out, @1 dout -> @2 delta -> @3 params. One thread per query row (2-D grid:
//               row = gid.y * row + gid.x).
//   dq_blocks   @0 q, @1 k, @2 v, @3 mask, @4 dout, @5 lse, @6 delta -> @7 dq -> @8 params.
//               Grid (ceil(T / BR), HQ, B).
//   dkv_blocks  @0 q, @1 k, @2 v, @3 mask, @4 dout, @5 lse, @6 delta -> @9 dk, @10 dv -> @11 params.
//               Grid (ceil(S / BC), HKV, B).
// Tuning: WG threads; BR query rows and BC keys per tile, chosen on the host per entry point so
// its workgroup arrays fit the device's workgroup storage.

override WG: u32 = 64;
override BR: u32 = 8;
override BC: u32 = 8;
override D: u32 = 64;
// Row stride of the [rows x D] workgroup arrays: one float of padding, so threads reading
// different rows at the same d hit different memory banks.
override PD: u32 = D + 1u;

struct Params {
  b: u32,
  hq: u32,
  hkv: u32,
  t: u32,
  s: u32,
  causal: u32,
  use_mask: u32,
  scale: f32,
  q_sb: u32,
  q_sh: u32,
  q_st: u32,
  k_sb: u32,
  k_sh: u32,
  k_st: u32,
  // delta only: threads per row of its 2-D grid.
  row: u32,
  // Forward only: the lse of a row with no allowed key (-inf).
  empty_lse: f32,
};

@group(0) @binding(0) var<storage, read> out_in: array<f32>;
@group(0) @binding(1) var<storage, read> dout_d: array<f32>;
@group(0) @binding(2) var<storage, read_write> delta: array<f32>;
@group(0) @binding(3) var<uniform> pd: Params;

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<u32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read> lse: array<f32>;
@group(0) @binding(6) var<storage, read> delta_in: array<f32>;
@group(0) @binding(7) var<storage, read_write> dq: array<f32>;
@group(0) @binding(8) var<uniform> pq: Params;
@group(0) @binding(9) var<storage, read_write> dk: array<f32>;
@group(0) @binding(10) var<storage, read_write> dv: array<f32>;
@group(0) @binding(11) var<uniform> pk: Params;

var<workgroup> qs: array<f32, BR * PD>;
var<workgroup> dos: array<f32, BR * PD>;
var<workgroup> ks: array<f32, BC * PD>;
var<workgroup> vs: array<f32, BC * PD>;
var<workgroup> dqa: array<f32, BR * PD>;
var<workgroup> dka: array<f32, BC * PD>;
var<workgroup> dva: array<f32, BC * PD>;
var<workgroup> ps: array<f32, BR * BC>;
var<workgroup> dss: array<f32, BR * BC>;
var<workgroup> lse_s: array<f32, BR>;
var<workgroup> delta_s: array<f32, BR>;

// Flat index i over a [rows x D] tile -> its place in the padded workgroup array.
fn padded(i: u32) -> u32 {
  return (i / D) * PD + i % D;
}

fn allowed(p: Params, b: u32, t: u32, j: u32) -> bool {
  if (t >= p.t || j >= p.s) {
    return false;
  }
  if (p.causal == 1u && j + p.t > t + p.s) {
    return false;
  }
  return p.use_mask == 0u || (mask[b * p.s + j] & 0x7fffffffu) != 0u;
}

@compute @workgroup_size(WG)
fn delta_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.y * pd.row + gid.x;
  if (row >= pd.b * pd.hq * pd.t) {
    return;
  }
  let t = row % pd.t;
  let h = (row / pd.t) % pd.hq;
  let b = row / (pd.t * pd.hq);
  let base = b * pd.q_sb + h * pd.q_sh + t * pd.q_st;
  var sum = 0.0;
  for (var d = 0u; d < D; d++) {
    sum += out_in[base + d] * dout_d[base + d];
  }
  delta[row] = sum;
}

// Loads BR query rows (q and dout) starting at t0 of head h, with their lse and delta.
fn load_queries(p: Params, lid: u32, b: u32, h: u32, t0: u32) {
  let q_base = b * p.q_sb + h * p.q_sh;
  for (var i = lid; i < BR * D; i += WG) {
    let t = t0 + i / D;
    var qv = 0.0;
    var dov = 0.0;
    if (t < p.t) {
      qv = q[q_base + t * p.q_st + i % D];
      dov = dout[q_base + t * p.q_st + i % D];
    }
    qs[padded(i)] = qv;
    dos[padded(i)] = dov;
  }
  for (var r = lid; r < BR; r += WG) {
    let t = t0 + r;
    var l = 0.0;
    var dl = 0.0;
    if (t < p.t) {
      l = lse[(b * p.hq + h) * p.t + t];
      dl = delta_in[(b * p.hq + h) * p.t + t];
    }
    lse_s[r] = l;
    delta_s[r] = dl;
  }
}

// Loads BC keys and values starting at j0 of KV head hk.
fn load_keys(p: Params, lid: u32, b: u32, hk: u32, j0: u32) {
  let k_base = b * p.k_sb + hk * p.k_sh;
  for (var i = lid; i < BC * D; i += WG) {
    let j = j0 + i / D;
    var kv = 0.0;
    var vv = 0.0;
    if (j < p.s) {
      kv = k[k_base + j * p.k_st + i % D];
      vv = v[k_base + j * p.k_st + i % D];
    }
    ks[padded(i)] = kv;
    vs[padded(i)] = vv;
  }
}

// p and ds of the tile (BR rows from t0) x (BC keys from j0) into ps and dss.
fn tile_probs(p: Params, lid: u32, b: u32, t0: u32, j0: u32) {
  for (var i = lid; i < BR * BC; i += WG) {
    let r = i / BC;
    let c = i % BC;
    var pv = 0.0;
    var dsv = 0.0;
    if (allowed(p, b, t0 + r, j0 + c)) {
      var s = 0.0;
      var dp = 0.0;
      for (var d = 0u; d < D; d++) {
        s += qs[r * PD + d] * ks[c * PD + d];
        dp += dos[r * PD + d] * vs[c * PD + d];
      }
      pv = exp(s * p.scale - lse_s[r]);
      dsv = pv * (dp - delta_s[r]);
    }
    ps[i] = pv;
    dss[i] = dsv;
  }
}

@compute @workgroup_size(WG)
fn dq_blocks(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t0 = wid.x * BR;
  let h = wid.y;
  let b = wid.z;
  let hk = h / (pq.hq / pq.hkv);
  load_queries(pq, lid, b, h, t0);
  for (var i = lid; i < BR * D; i += WG) {
    dqa[padded(i)] = 0.0;
  }
  var kend = pq.s;
  if (pq.causal == 1u) {
    kend = min(pq.s, (t0 + BR - 1u) + (pq.s - pq.t) + 1u);
  }
  for (var j0 = 0u; j0 < kend; j0 += BC) {
    workgroupBarrier();
    load_keys(pq, lid, b, hk, j0);
    workgroupBarrier();
    tile_probs(pq, lid, b, t0, j0);
    workgroupBarrier();
    for (var i = lid; i < BR * D; i += WG) {
      let r = i / D;
      let d = i % D;
      var a = dqa[padded(i)];
      for (var c = 0u; c < BC; c++) {
        a += dss[r * BC + c] * ks[c * PD + d];
      }
      dqa[padded(i)] = a;
    }
  }
  workgroupBarrier();
  let q_base = b * pq.q_sb + h * pq.q_sh;
  for (var i = lid; i < BR * D; i += WG) {
    let t = t0 + i / D;
    if (t < pq.t) {
      dq[q_base + t * pq.q_st + i % D] = dqa[padded(i)] * pq.scale;
    }
  }
}

@compute @workgroup_size(WG)
fn dkv_blocks(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j0 = wid.x * BC;
  let hk = wid.y;
  let b = wid.z;
  let group = pk.hq / pk.hkv;
  load_keys(pk, lid, b, hk, j0);
  for (var i = lid; i < BC * D; i += WG) {
    dka[padded(i)] = 0.0;
    dva[padded(i)] = 0.0;
  }
  // Causal: query t sees key j iff t >= j - (S - T); earlier query tiles contribute nothing.
  var tstart = 0u;
  if (pk.causal == 1u && j0 + pk.t > pk.s) {
    tstart = ((j0 + pk.t - pk.s) / BR) * BR;
  }
  for (var g = 0u; g < group; g++) {
    let h = hk * group + g;
    for (var t0 = tstart; t0 < pk.t; t0 += BR) {
      workgroupBarrier();
      load_queries(pk, lid, b, h, t0);
      workgroupBarrier();
      tile_probs(pk, lid, b, t0, j0);
      workgroupBarrier();
      for (var i = lid; i < BC * D; i += WG) {
        let c = i / D;
        let d = i % D;
        var ak = dka[padded(i)];
        var av = dva[padded(i)];
        for (var r = 0u; r < BR; r++) {
          ak += dss[r * BC + c] * qs[r * PD + d];
          av += ps[r * BC + c] * dos[r * PD + d];
        }
        dka[padded(i)] = ak;
        dva[padded(i)] = av;
      }
    }
  }
  workgroupBarrier();
  let k_base = b * pk.k_sb + hk * pk.k_sh;
  for (var i = lid; i < BC * D; i += WG) {
    let j = j0 + i / D;
    if (j < pk.s) {
      dk[k_base + j * pk.k_st + i % D] = dka[padded(i)] * pk.scale;
      dv[k_base + j * pk.k_st + i % D] = dva[padded(i)];
    }
  }
}
