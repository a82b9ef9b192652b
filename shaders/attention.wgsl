// attention: scaled dot-product attention with grouped KV heads, causal and key-padding masks,
// forward. Flash-attention style: a workgroup owns BR query rows of one (batch, head) and streams
// the keys in tiles of BC, keeping a running max and sum (online softmax), so no [T, S] matrix
// is ever stored. For query head h the KV head is h / (HQ / HKV).
//   out[t] = sum_j p_tj v_j,  p_tj = exp(s_tj - lse_t),  s_tj = scale * q_t . k_j over allowed j
//   allowed: j < S, causal => j <= t + (S - T) (queries are the last T of S positions), and
//   mask[b, j] != 0 when a mask is given. A row with no allowed key gets out = 0, lse = -inf.
// Shapes: q, out: [B, HQ, T, D]; k, v: [B, HKV, S, D] (any layout with the strides in params:
// element (b, h, t, d) at b * sb + h * sh + t * st + d); mask: [B, S] u32, i32 or f32, 0 (or -0.0) = padding;
// lse: [B, HQ, T] f32.
// Bindings: @0 q, @1 k, @2 v, @3 mask (read) -> @4 out, @5 lse (write) -> @6 params (uniform).
// Grid: (ceil(T / BR), HQ, B). Tuning: WG threads; BR query rows and BC keys per tile, chosen
// on the host so the workgroup arrays (4 * ((2 * BR + 2 * BC) * (D + 1) + BR * BC + 3 * BR) bytes) fit.

override WG: u32 = 64;
override BR: u32 = 8;
override BC: u32 = 8;
override D: u32 = 64;
// Row stride of the [rows x D] workgroup arrays: one float of padding, so threads reading
// different rows at the same d hit different memory banks.
override PD: u32 = D + 1u;

const NEG: f32 = -3.0e38;

// The same layout as attention-backward.wgsl's Params (one packing on the host).
struct Params {
  b: u32,
  hq: u32,
  hkv: u32,
  t: u32,
  s: u32,
  causal: u32,
  use_mask: u32,
  scale: f32,
  // Strides of q/out and of k/v, in elements.
  q_sb: u32,
  q_sh: u32,
  q_st: u32,
  k_sb: u32,
  k_sh: u32,
  k_st: u32,
  // Unused here (the backward's delta grid).
  row: u32,
  // lse of a row with no allowed key: -inf, passed in because WGSL has no infinite constants.
  empty_lse: f32,
};

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> lse: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

var<workgroup> qs: array<f32, BR * PD>;
var<workgroup> ks: array<f32, BC * PD>;
var<workgroup> vs: array<f32, BC * PD>;
var<workgroup> acc: array<f32, BR * PD>;
var<workgroup> ps: array<f32, BR * BC>;
var<workgroup> m_s: array<f32, BR>;
var<workgroup> l_s: array<f32, BR>;
var<workgroup> alpha_s: array<f32, BR>;

// Flat index i over a [rows x D] tile -> its place in the padded workgroup array.
fn padded(i: u32) -> u32 {
  return (i / D) * PD + i % D;
}

fn allowed(b: u32, t: u32, j: u32) -> bool {
  if (t >= params.t || j >= params.s) {
    return false;
  }
  if (params.causal == 1u && j + params.t > t + params.s) {
    return false;
  }
  return params.use_mask == 0u || (mask[b * params.s + j] & 0x7fffffffu) != 0u;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t0 = wid.x * BR;
  let h = wid.y;
  let b = wid.z;
  let hk = h / (params.hq / params.hkv);
  let q_base = b * params.q_sb + h * params.q_sh;
  let k_base = b * params.k_sb + hk * params.k_sh;

  for (var i = lid; i < BR * D; i += WG) {
    let t = t0 + i / D;
    var val = 0.0;
    if (t < params.t) {
      val = q[q_base + t * params.q_st + i % D];
    }
    qs[padded(i)] = val;
    acc[padded(i)] = 0.0;
  }
  for (var r = lid; r < BR; r += WG) {
    m_s[r] = NEG;
    l_s[r] = 0.0;
  }

  // Keys past the last row's causal limit are masked for every row of the block: skip them.
  var kend = params.s;
  if (params.causal == 1u) {
    kend = min(params.s, (t0 + BR - 1u) + (params.s - params.t) + 1u);
  }
  for (var j0 = 0u; j0 < kend; j0 += BC) {
    workgroupBarrier();
    for (var i = lid; i < BC * D; i += WG) {
      let j = j0 + i / D;
      var kv = 0.0;
      var vv = 0.0;
      if (j < params.s) {
        kv = k[k_base + j * params.k_st + i % D];
        vv = v[k_base + j * params.k_st + i % D];
      }
      ks[padded(i)] = kv;
      vs[padded(i)] = vv;
    }
    workgroupBarrier();
    for (var i = lid; i < BR * BC; i += WG) {
      let r = i / BC;
      let c = i % BC;
      var sc = NEG;
      if (allowed(b, t0 + r, j0 + c)) {
        var dot = 0.0;
        for (var d = 0u; d < D; d++) {
          dot += qs[r * PD + d] * ks[c * PD + d];
        }
        sc = dot * params.scale;
      }
      ps[i] = sc;
    }
    workgroupBarrier();
    for (var r = lid; r < BR; r += WG) {
      var mt = NEG;
      for (var c = 0u; c < BC; c++) {
        mt = max(mt, ps[r * BC + c]);
      }
      let m_old = m_s[r];
      let m_new = max(m_old, mt);
      var alpha = 1.0;
      var sum = 0.0;
      if (m_new > NEG) {
        alpha = exp(m_old - m_new);
        for (var c = 0u; c < BC; c++) {
          let sc = ps[r * BC + c];
          var p = 0.0;
          if (sc > NEG) {
            p = exp(sc - m_new);
          }
          ps[r * BC + c] = p;
          sum += p;
        }
      } else {
        for (var c = 0u; c < BC; c++) {
          ps[r * BC + c] = 0.0;
        }
      }
      alpha_s[r] = alpha;
      m_s[r] = m_new;
      l_s[r] = l_s[r] * alpha + sum;
    }
    workgroupBarrier();
    for (var i = lid; i < BR * D; i += WG) {
      let r = i / D;
      let d = i % D;
      var a = acc[padded(i)] * alpha_s[r];
      for (var c = 0u; c < BC; c++) {
        a += ps[r * BC + c] * vs[c * PD + d];
      }
      acc[padded(i)] = a;
    }
  }
  workgroupBarrier();
  for (var i = lid; i < BR * D; i += WG) {
    let r = i / D;
    let t = t0 + r;
    if (t < params.t) {
      let l = l_s[r];
      var o = 0.0;
      if (l > 0.0) {
        o = acc[padded(i)] / l;
      }
      out[q_base + t * params.q_st + i % D] = o;
    }
  }
  for (var r = lid; r < BR; r += WG) {
    let t = t0 + r;
    if (t < params.t) {
      let l = l_s[r];
      var val = params.empty_lse;
      if (l > 0.0) {
        val = m_s[r] + log(l);
      }
      lse[(b * params.hq + h) * params.t + t] = val;
    }
  }
}
