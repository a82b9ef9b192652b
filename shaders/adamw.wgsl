// adamw: one fused AdamW step in place (PyTorch's torch.optim.AdamW, single-tensor form):
//   g = grad * scale[0]                    (scale: the clip coefficient; 1 when use_scale = 0)
//   param *= 1 - lr * weight_decay         (decoupled weight decay, passed as `decay`)
//   m = m + (1 - beta1) * (g - m)          (torch's lerp)
//   v = beta2 * v + (1 - beta2) * g * g
//   param -= step_size * m / (sqrt(v) / bc2_sqrt + eps),
// with step_size = lr / (1 - beta1^step) and bc2_sqrt = sqrt(1 - beta2^step) computed on the host.
// Shapes: param, grad, m, v: [N] f32; scale: [1] f32.
// Bindings: @0 grad, @1 scale (read) -> @2 param, @3 m, @4 v (read-write) -> @5 params (uniform).
// One thread per element; flat index = gid.y * row + gid.x.
// Tuning: WG, the workgroup size.

override WG: u32 = 256;

struct Params {
  n: u32,
  use_scale: u32,
  row: u32,
  decay: f32,
  // 1 - beta1 and 1 - beta2 rounded from f64 on the host, as PyTorch's scalars are.
  one_minus_beta1: f32,
  beta2: f32,
  one_minus_beta2: f32,
  step_size: f32,
  bc2_sqrt: f32,
  eps: f32,
};

@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read> scale: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (i >= params.n) {
    return;
  }
  var g = grad[i];
  if (params.use_scale == 1u) {
    g = g * scale[0];
  }
  let p = param[i] * params.decay;
  let mi = m[i] + params.one_minus_beta1 * (g - m[i]);
  let vi = params.beta2 * v[i] + params.one_minus_beta2 * g * g;
  m[i] = mi;
  v[i] = vi;
  param[i] = p - params.step_size * mi / (sqrt(vi) / params.bc2_sqrt + params.eps);
}
