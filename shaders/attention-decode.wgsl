// attention-decode: the forward of attention.wgsl for generation steps, where T is a few new
// queries against a KV cache of S keys (in buffers of larger capacity). attention.wgsl tiles BR
// query rows per workgroup and, with one row, leaves most of each tile idle; here a workgroup owns
// ONE query row (b, h, t) and its WG threads share the keys: per chunk of WG keys each thread scores
// one key, then the chunk's weights update a running max and sum (online softmax) and each thread
// accumulates its own output dims. Same math, masks and results as attention.wgsl's forward:
//   out[t] = sum_j p_tj v_j,  p_tj = exp(s_tj - lse_t),  s_tj = scale * q_t . k_j over allowed j
//   allowed: j < S, causal => j <= t + (S - T), and mask[b, j] != 0 when a mask is given.
//   A row with no allowed key gets out = 0, lse = -inf.
// Shapes: q, out [B, HQ, T, D] and k, v [B, HKV, capacity, D] in any layout given by the strides
// in params (element (b, h, t, d) at b * sb + h * sh + t * st + d); mask [B, S] u32, i32 or f32,
// 0 (or -0.0) = padding; lse [B, HQ, T] f32.
// Bindings: @0 q, @1 k, @2 v, @3 mask (read) -> @4 out, @5 lse (write) -> @6 params (uniform),
// the Params of attention.wgsl (one packing on the host).
// Grid: (T, HQ, B). Tuning: WG threads = keys per chunk; each thread owns dims lid, lid + WG, ...
// of the output (D <= MAX_D_PER_THREAD * WG).

override WG: u32 = 64;
override D: u32 = 64;

const NEG: f32 = -3.0e38;
const MAX_D_PER_THREAD: u32 = 4u;

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
  row: u32,
  empty_lse: f32,
};

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> lse: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

var<workgroup> qs: array<f32, D>;
var<workgroup> sc: array<f32, WG>;
var<workgroup> ps: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.x;
  let h = wid.y;
  let b = wid.z;
  let hk = h / (params.hq / params.hkv);
  let q_base = b * params.q_sb + h * params.q_sh + t * params.q_st;
  let k_base = b * params.k_sb + hk * params.k_sh;

  for (var d = lid; d < D; d += WG) {
    qs[d] = q[q_base + d];
  }
  // Keys this row may see: [0, kend).
  var kend = params.s;
  if (params.causal == 1u) {
    kend = min(params.s, t + (params.s - params.t) + 1u);
  }
  var m = NEG;
  var l = 0.0;
  var acc: array<f32, MAX_D_PER_THREAD>;
  for (var i = 0u; i < MAX_D_PER_THREAD; i++) {
    acc[i] = 0.0;
  }

  for (var j0 = 0u; j0 < kend; j0 += WG) {
    workgroupBarrier();
    // One key per thread: its scaled score, or NEG when the key is not allowed.
    let j = j0 + lid;
    var s = NEG;
    if (j < kend && (params.use_mask == 0u || (mask[b * params.s + j] & 0x7fffffffu) != 0u)) {
      let ko = k_base + j * params.k_st;
      var dot = 0.0;
      for (var d = 0u; d < D; d++) {
        dot += qs[d] * k[ko + d];
      }
      s = dot * params.scale;
    }
    sc[lid] = s;
    workgroupBarrier();
    var cm = NEG;
    for (var c = 0u; c < WG; c++) {
      cm = max(cm, sc[c]);
    }
    let m_new = max(m, cm);
    var p = 0.0;
    if (s > NEG) {
      p = exp(s - m_new);
    }
    ps[lid] = p;
    workgroupBarrier();
    // exp(NEG - m_new) is 0 once a key was allowed; while none was, acc and l are 0 anyway.
    let alpha = exp(m - m_new);
    var sum = 0.0;
    for (var c = 0u; c < WG; c++) {
      sum += ps[c];
    }
    l = l * alpha + sum;
    let chunk = min(WG, kend - j0);
    for (var i = 0u; i < MAX_D_PER_THREAD; i++) {
      let d = lid + i * WG;
      if (d < D) {
        var a = acc[i] * alpha;
        for (var c = 0u; c < chunk; c++) {
          a += ps[c] * v[k_base + (j0 + c) * params.k_st + d];
        }
        acc[i] = a;
      }
    }
    m = m_new;
  }

  for (var i = 0u; i < MAX_D_PER_THREAD; i++) {
    let d = lid + i * WG;
    if (d < D) {
      var o = 0.0;
      if (l > 0.0) {
        o = acc[i] / l;
      }
      out[q_base + d] = o;
    }
  }
  if (lid == 0u) {
    var val = params.empty_lse;
    if (l > 0.0) {
      val = m + log(l);
    }
    lse[(b * params.hq + h) * params.t + t] = val;
  }
}
