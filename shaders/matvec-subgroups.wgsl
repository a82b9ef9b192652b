// matvec-subgroups: out[b] = op(A[b]) @ op(B[b]) for products with few rows (generation's
// projections: M = the batch, 1 to 16), with the dot products split over a subgroup's lanes and
// combined by subgroupAdd. The `subgroups` variant of matmul.wgsl for such shapes, picked by
// src/tensor/kernels/matmul.ts where the device runs subgroups (GpuContext.variants.subgroups).
// Same Params and bindings as matmul.wgsl: any transposes and shared operands via strides; it is
// fastest with B transposed (a Linear layer's [N, K] weight: lanes read consecutive k).
// Each subgroup takes output columns from its workgroup's block of CPW columns through an atomic
// counter (so nothing is assumed about how many subgroups a workgroup has or how they lie over
// the invocation index), and computes MR rows of that column: lane l sums k = l, l + size, ...
// then subgroupAdd gives every lane the dot product; lane 0 stores it.
// Bindings: @0 a (read) -> @1 b (read) -> @2 out (write) -> @3 params (uniform).
// Tuning (override constants): WG (threads), CPW (columns per workgroup); MR (rows per pass) is a
// const, since it sizes a function-scope array.
// Dispatch: (ceil(N / CPW), ceil(M / MR), batch).
enable subgroups;
// The loop below runs in subgroup-uniform control flow (its bound is broadcast from lane 0), which
// the workgroup-level uniformity analysis cannot see.
diagnostic(off, subgroup_uniformity);

override WG: u32 = 128;
override CPW: u32 = 32;
const MR: u32 = 4u;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  batchA: u32,
  rowA: u32,
  colA: u32,
  batchB: u32,
  rowB: u32,
  colB: u32,
  transA: u32,
  transB: u32,
};

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

var<workgroup> next_column: atomic<u32>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) size: u32,
) {
  let m = params.m;
  let n = params.n;
  let k = params.k;
  let row0 = wid.y * MR;
  let baseA = wid.z * params.batchA + row0 * params.rowA;
  let baseB = wid.z * params.batchB;
  let baseOut = wid.z * m * n + row0 * n;
  loop {
    var claimed = 0u;
    if (lane == 0u) {
      claimed = atomicAdd(&next_column, 1u);
    }
    let j = subgroupBroadcast(claimed, 0u);
    let col = wid.x * CPW + j;
    if (j >= CPW || col >= n) {
      break;
    }
    // Zeroed explicitly: SwiftShader (via Dawn) kept the previous column's sums in a var declared
    // without an initializer inside this loop.
    var acc: array<f32, MR>;
    for (var r = 0u; r < MR; r++) {
      acc[r] = 0.0;
    }
    let cb = baseB + col * params.colB;
    for (var p = lane; p < k; p += size) {
      let bv = b[cb + p * params.rowB];
      for (var r = 0u; r < MR; r++) {
        if (row0 + r < m) {
          acc[r] = fma(a[baseA + r * params.rowA + p * params.colA], bv, acc[r]);
        }
      }
    }
    for (var r = 0u; r < MR; r++) {
      let s = subgroupAdd(acc[r]);
      if (lane == 0u && row0 + r < m) {
        out[baseOut + r * n + col] = s;
      }
    }
  }
}
