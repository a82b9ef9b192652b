// rope: rotary position embedding in HF Llama's rotate-half layout. For each head vector x of
// length D, with half = D / 2, i < half, angle = pos * inv_freq[i] (f32, as HF computes it):
//   out[i]        = x[i] * cos(angle) - x[i + half] * sin(angle)
//   out[i + half] = x[i + half] * cos(angle) + x[i] * sin(angle)
// `inverse` rotates by -angle: the transpose, which is the backward (dx from dout).
// Shapes: x, out: [B, H, T, D] f32 (or [B, T, H, D] when t_major = 1); positions: [T] or [B, T]
// i32 (per_batch = 1); inv_freq: [D / 2] f32, theta^(-2i/D) computed on the host in f32.
// Bindings: @0 x, @1 positions, @2 inv_freq (read) -> @3 out (write) -> @4 params (uniform).
// One thread per (b, h, t, i); flat index = gid.y * row + gid.x over B*H*T*half threads.
// Tuning: WG, the workgroup size.

override WG: u32 = 64;

struct Params {
  b: u32,
  h: u32,
  t: u32,
  half: u32,
  per_batch: u32,
  t_major: u32,
  inverse: u32,
  // Threads per row of the dispatch grid.
  row: u32,
};

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> positions: array<i32>;
@group(0) @binding(2) var<storage, read> inv_freq: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// sin and cos of an f32 angle to about 1e-7 absolute for |a| < 2^16: Cody-Waite reduction by pi/2
// in three parts (the first two short enough that j * part is exact), then minimax polynomials on
// [-pi/4, pi/4]. WGSL's built-in sin/cos promise 2^-11 absolute error, and only on [-pi, pi],
// while rotary angles reach the sequence length in radians.
fn sincos(a: f32) -> vec2<f32> {
  let j = round(a * 0.636619772367581343);
  var r = a - j * 1.5703125;
  r = r - j * 4.837512969970703125e-4;
  r = r - j * 7.54978995489188216e-8;
  let z = r * r;
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  let q = i32(j) & 3;
  if (q == 0) {
    return vec2<f32>(s, c);
  }
  if (q == 1) {
    return vec2<f32>(c, -s);
  }
  if (q == 2) {
    return vec2<f32>(-s, -c);
  }
  return vec2<f32>(-c, s);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.y * params.row + gid.x;
  if (idx >= params.b * params.h * params.t * params.half) {
    return;
  }
  let i = idx % params.half;
  let vec_index = idx / params.half;
  var t: u32;
  var bi: u32;
  if (params.t_major == 1u) {
    // [B, T, H, D]: vec_index = (b * T + t) * H + h.
    t = (vec_index / params.h) % params.t;
    bi = vec_index / (params.h * params.t);
  } else {
    // [B, H, T, D]: vec_index = (b * H + h) * T + t.
    t = vec_index % params.t;
    bi = vec_index / (params.h * params.t);
  }
  var pos: i32;
  if (params.per_batch == 1u) {
    pos = positions[bi * params.t + t];
  } else {
    pos = positions[t];
  }
  let angle = f32(pos) * inv_freq[i];
  let sc = sincos(angle);
  var sn = sc.x;
  if (params.inverse == 1u) {
    sn = -sn;
  }
  let base = vec_index * 2u * params.half;
  let x1 = x[base + i];
  let x2 = x[base + i + params.half];
  out[base + i] = x1 * sc.y - x2 * sn;
  out[base + i + params.half] = x2 * sc.y + x1 * sn;
}
