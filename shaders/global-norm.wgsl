// global-norm: the sum of squares of every element of several tensors (for gradient clipping by
// global norm, and the grad-norm metric), deterministically and without atomics, and the clip
// coefficient min(1, max_norm / (sqrt(sum) + 1e-6)) (PyTorch's clip_grad_norm_).
// Shapes: x: [N] f32 (one tensor per partial_sums dispatch); partials: [P] f32 scratch, each
// tensor writing `groups` slots from its offset; sumsq, scale: [1] f32.
// Entry points, bindings inputs -> outputs -> uniforms:
//   partial_sums  @0 x -> @1 partials -> @2 params. `groups` workgroups, grid-stride over x, one sum each.
//   finish        @3 partials_in -> @4 sumsq -> @5 params. One workgroup sums n partials in order.
//   clip          @6 sumsq_in -> @7 scale -> @8 clip. One thread.
// Tuning: WG threads per workgroup (a power of two).

override WG: u32 = 256;

struct Params {
  // Elements of x (partials) or partial slots (finish).
  n: u32,
  // Workgroups of the partials dispatch.
  groups: u32,
  // First partial slot of this tensor.
  offset: u32,
};

struct Clip {
  max_norm: f32,
};

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> partials: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read> partials_in: array<f32>;
@group(0) @binding(4) var<storage, read_write> sumsq: array<f32>;
@group(0) @binding(5) var<uniform> finish_params: Params;
@group(0) @binding(6) var<storage, read> sumsq_in: array<f32>;
@group(0) @binding(7) var<storage, read_write> scale: array<f32>;
@group(0) @binding(8) var<uniform> clip_params: Clip;

var<workgroup> red: array<f32, WG>;

fn wg_sum(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      red[lid] += red[lid + s];
    }
    workgroupBarrier();
  }
  return red[0];
}

@compute @workgroup_size(WG)
fn partial_sums(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  for (var i = wid.x * WG + lid; i < params.n; i += params.groups * WG) {
    let v = x[i];
    acc += v * v;
  }
  let total = wg_sum(lid, acc);
  if (lid == 0u) {
    partials[params.offset + wid.x] = total;
  }
}

@compute @workgroup_size(WG)
fn finish(@builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  for (var i = lid; i < finish_params.n; i += WG) {
    acc += partials_in[i];
  }
  let total = wg_sum(lid, acc);
  if (lid == 0u) {
    sumsq[0] = total;
  }
}

@compute @workgroup_size(1)
fn clip() {
  scale[0] = min(1.0, clip_params.max_norm / (sqrt(sumsq_in[0]) + 1e-6));
}
