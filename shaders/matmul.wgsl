// matmul: out[b] = op(A[b]) @ op(B[b]), batched, with transposed operands and a shared B.
// Shapes: A [batch, M, K] (or [batch, K, M] when transposed), B [batch, K, N] (or [batch, N, K];
// batch stride 0 when B is shared), out [batch, M, N]; row-major f32. Transposes are expressed as
// element strides in Params, so one shader serves every layout.
// Bindings: @0 a (read) -> @1 b (read) -> @2 out (write) -> @3 params (uniform).
// Tuning: WG_X x WG_Y threads; each computes a TM x TN block of outputs (TM, TN fixed at 4);
// TK is the depth of the shared-memory tile. Dispatch: (ceil(N / (WG_X*4)), ceil(M / (WG_Y*4)), batch).

override WG_X: u32 = 16;
override WG_Y: u32 = 16;
override TK: u32 = 16;

const TM = 4u;
const TN = 4u;

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
};

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

// Tiles stored depth-major: As[p * BM + i], Bs[p * BN + j].
var<workgroup> As: array<f32, TK * WG_Y * TM>;
var<workgroup> Bs: array<f32, TK * WG_X * TN>;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let BM = WG_Y * TM;
  let BN = WG_X * TN;
  let threads = WG_X * WG_Y;
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  let baseA = wid.z * params.batchA;
  let baseB = wid.z * params.batchB;

  var acc: array<array<f32, 4>, 4>;
  for (var p0 = 0u; p0 < params.k; p0 += TK) {
    for (var e = li; e < TK * BM; e += threads) {
      let p = e / BM;
      let i = e % BM;
      let gi = row0 + i;
      let gp = p0 + p;
      var v = 0.0;
      if (gi < params.m && gp < params.k) {
        v = a[baseA + gi * params.rowA + gp * params.colA];
      }
      As[e] = v;
    }
    for (var e = li; e < TK * BN; e += threads) {
      let p = e / BN;
      let j = e % BN;
      let gj = col0 + j;
      let gp = p0 + p;
      var v = 0.0;
      if (gj < params.n && gp < params.k) {
        v = b[baseB + gp * params.rowB + gj * params.colB];
      }
      Bs[e] = v;
    }
    workgroupBarrier();
    for (var p = 0u; p < TK; p++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var r = 0u; r < TM; r++) {
        av[r] = As[p * BM + lid.y * TM + r];
      }
      for (var c = 0u; c < TN; c++) {
        bv[c] = Bs[p * BN + lid.x * TN + c];
      }
      for (var r = 0u; r < TM; r++) {
        for (var c = 0u; c < TN; c++) {
          acc[r][c] = fma(av[r], bv[c], acc[r][c]);
        }
      }
    }
    workgroupBarrier();
  }

  let baseOut = wid.z * params.m * params.n;
  for (var r = 0u; r < TM; r++) {
    let gi = row0 + lid.y * TM + r;
    for (var c = 0u; c < TN; c++) {
      let gj = col0 + lid.x * TN + c;
      if (gi < params.m && gj < params.n) {
        out[baseOut + gi * params.n + gj] = acc[r][c];
      }
    }
  }
}
