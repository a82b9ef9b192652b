// unary: out = f(x) elementwise, and its fused backward dx = dy * f'(x).
// Shapes: x, dy, out: [N] f32 (any shape, flat).
// Bindings (main): @0 x (read) -> @1 out (write) -> @2 params (uniform).
// Bindings (entry point backward): @0 x (read), @3 dy (read) -> @1 dx (write) -> @2 params.
// Ops (override OP): 0 neg, 1 exp, 2 log, 3 sqrt, 4 rsqrt, 5 square, 6 abs, 7 relu, 8 tanh,
// 9 sigmoid, 10 logsigmoid, 11 silu, 12 gelu (tanh approximation), 13 reciprocal,
// 14 affine (x * a + b; forward only).
// Tuning: WG, the workgroup size. Dispatch: ceil(N / WG) workgroups, spilling into y.

override WG: u32 = 256;
override OP: u32 = 0u;

struct Params {
  n: u32,
  // Threads per row of the dispatch grid (workgroups along x times WG).
  row: u32,
  a: f32,
  b: f32,
};

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

const GELU_K: f32 = 0.7978845608028654; // sqrt(2 / pi)

fn sigmoid(v: f32) -> f32 {
  // Two branches so exp never overflows.
  if (v >= 0.0) {
    return 1.0 / (1.0 + exp(-v));
  }
  let e = exp(v);
  return e / (1.0 + e);
}

// log(1 + t) for t in [0, 1]; the series keeps precision where 1 + t rounds to 1.
fn log1p_small(t: f32) -> f32 {
  if (t < 1e-4) {
    return t - 0.5 * t * t;
  }
  return log(1.0 + t);
}

// tanh with its argument clamped: some drivers compute tanh through exp and return NaN for large |v|.
fn safe_tanh(v: f32) -> f32 {
  return tanh(clamp(v, -15.0, 15.0));
}

fn forward(v: f32) -> f32 {
  switch OP {
    case 0u: { return -v; }
    case 1u: { return exp(v); }
    case 2u: { return log(v); }
    case 3u: { return sqrt(v); }
    case 4u: { return inverseSqrt(v); }
    case 5u: { return v * v; }
    case 6u: { return abs(v); }
    case 7u: { return max(v, 0.0); }
    case 8u: { return safe_tanh(v); }
    case 9u: { return sigmoid(v); }
    case 10u: { return min(v, 0.0) - log1p_small(exp(-abs(v))); }
    case 11u: { return v * sigmoid(v); }
    case 12u: { return 0.5 * v * (1.0 + safe_tanh(GELU_K * (v + 0.044715 * v * v * v))); }
    case 13u: { return 1.0 / v; }
    case 14u: { return v * params.a + params.b; }
    default: { return v; }
  }
}

fn derivative(v: f32) -> f32 {
  switch OP {
    case 0u: { return -1.0; }
    case 1u: { return exp(v); }
    case 2u: { return 1.0 / v; }
    case 3u: { return 0.5 / sqrt(v); }
    case 4u: { return -0.5 * inverseSqrt(v) / v; }
    case 5u: { return 2.0 * v; }
    case 6u: { return sign(v); }
    case 7u: { return select(0.0, 1.0, v > 0.0); }
    case 8u: { let t = safe_tanh(v); return 1.0 - t * t; }
    case 9u: { let s = sigmoid(v); return s * (1.0 - s); }
    case 10u: { return sigmoid(-v); }
    case 11u: { let s = sigmoid(v); return s * (1.0 + v * (1.0 - s)); }
    case 12u: {
      let u = GELU_K * (v + 0.044715 * v * v * v);
      let t = safe_tanh(u);
      return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * GELU_K * (1.0 + 3.0 * 0.044715 * v * v);
    }
    case 13u: { return -1.0 / (v * v); }
    case 14u: { return params.a; }
    default: { return 1.0; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (i >= params.n) {
    return;
  }
  out[i] = forward(x[i]);
}

@group(0) @binding(3) var<storage, read> dy: array<f32>;

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (i >= params.n) {
    return;
  }
  out[i] = dy[i] * derivative(x[i]);
}
