// saxpy: out = a * x + y, elementwise.
// Shapes: x, y, out: [N] f32.
// Bindings: @0 x (read) -> @1 y (read) -> @2 out (write) -> @3 params {a, n} (uniform).
// Tuning: WG, the workgroup size. Dispatch: ceil(N / WG) workgroups along x, spilling into y when
// that exceeds maxComputeWorkgroupsPerDimension.

override WG: u32 = 256;

struct Params {
  a: f32,
  n: u32,
  // Threads per row of the dispatch grid (workgroups along x times WG).
  row: u32,
};

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (i >= params.n) {
    return;
  }
  out[i] = params.a * x[i] + y[i];
}
