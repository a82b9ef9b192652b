// matmul: out[b] = op(A[b]) @ op(B[b]), batched, with transposed operands and shared operands.
// Shapes: A [batch, M, K] (or [batch, K, M] when transposed), B [batch, K, N] (or [batch, N, K]);
// a shared operand has batch stride 0; out [batch, M, N]. Row-major f32. Transposes are element
// strides in Params (one shader serves every layout); its transA / transB flags only pick the
// tiled loader's thread-to-element mapping, so that global reads stay contiguous.
// Bindings: @0 a (read) -> @1 b (read) -> @2 out (write) -> @3 params (uniform).
//
// Two entry points, chosen per adapter by src/tensor/kernels/matmul.ts:
// - `main` (GPUs): a (WG_Y*8) x (WG_X*8) output tile per workgroup; A and B tiles TK deep staged
//   in workgroup memory as vec4s; each thread keeps 8 x 8 outputs (two 4 x 4 blocks a half tile
//   apart in each direction) in 16 vec4 registers and per step of k reads 2 vec4 of A and 2 of B
//   for 64 multiply-adds.
//   Dispatch: (ceil(N / (WG_X*8)), ceil(M / (WG_Y*8)), batch).
// - `direct` (software adapters such as SwiftShader, which run invocations on CPU SIMD lanes, where
//   barriers and workgroup memory cost more than they save): each thread computes a 4 x 4 block
//   straight from the buffers, k unrolled by 4, out-of-range rows/columns clamped (read, never
//   stored) instead of branched. Dispatch: (ceil(N / (WG_X*4)), ceil(M / (WG_Y*4)), batch).
// Tuning (override constants): WG_X, WG_Y (threads), TK (depth of the staged tiles, `main` only).

override WG_X: u32 = 16;
override WG_Y: u32 = 16;
override TK: u32 = 8;

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
  // 1 when A (B) is stored transposed: contiguous along M (N) rather than K.
  transA: u32,
  transB: u32,
};

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

// ---- `main`: workgroup-tiled ----

const TM = 8u; // rows per thread (2 vec4 of A per step)
const TN = 8u; // columns per thread (2 vec4 of B per step)

// As[p * (BM / 4) + i / 4][i % 4] = A(row0 + i, p0 + p): vec4s run along M, Bs along N.
var<workgroup> As: array<vec4<f32>, TK * WG_Y * 2u>;
var<workgroup> Bs: array<vec4<f32>, TK * WG_X * 2u>;

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

  var acc: array<vec4<f32>, 16>; // acc[r * 2 + c]: row r, columns 4c..4c+3 of the thread's block
  for (var p0 = 0u; p0 < params.k; p0 += TK) {
    for (var e = li; e < TK * BM; e += threads) {
      // Consecutive threads read consecutive addresses: along K when A is row-major, along M
      // when it is transposed.
      var i: u32;
      var p: u32;
      if (params.transA != 0u) {
        i = e % BM;
        p = e / BM;
      } else {
        i = e / TK;
        p = e % TK;
      }
      let gi = row0 + i;
      let gp = p0 + p;
      var v = 0.0;
      if (gi < params.m && gp < params.k) {
        v = a[baseA + gi * params.rowA + gp * params.colA];
      }
      As[p * (BM / 4u) + i / 4u][i % 4u] = v;
    }
    for (var e = li; e < TK * BN; e += threads) {
      var j: u32;
      var p: u32;
      if (params.transB != 0u) {
        j = e / TK;
        p = e % TK;
      } else {
        j = e % BN;
        p = e / BN;
      }
      let gj = col0 + j;
      let gp = p0 + p;
      var v = 0.0;
      if (gj < params.n && gp < params.k) {
        v = b[baseB + gp * params.rowB + gj * params.colB];
      }
      Bs[p * (BN / 4u) + j / 4u][j % 4u] = v;
    }
    workgroupBarrier();
    for (var p = 0u; p < TK; p++) {
      // Neighbouring threads read neighbouring vec4s (no bank conflicts): a thread's rows are
      // 4*ty..4*ty+3 and BM/2 further, its columns 4*tx..4*tx+3 and BN/2 further.
      let a0 = As[p * (BM / 4u) + lid.y];
      let a1 = As[p * (BM / 4u) + lid.y + WG_Y];
      let b0 = Bs[p * (BN / 4u) + lid.x];
      let b1 = Bs[p * (BN / 4u) + lid.x + WG_X];
      for (var r = 0u; r < 4u; r++) {
        acc[r * 2u] = fma(vec4(a0[r]), b0, acc[r * 2u]);
        acc[r * 2u + 1u] = fma(vec4(a0[r]), b1, acc[r * 2u + 1u]);
        acc[(r + 4u) * 2u] = fma(vec4(a1[r]), b0, acc[(r + 4u) * 2u]);
        acc[(r + 4u) * 2u + 1u] = fma(vec4(a1[r]), b1, acc[(r + 4u) * 2u + 1u]);
      }
    }
    workgroupBarrier();
  }

  let baseOut = wid.z * params.m * params.n;
  for (var r = 0u; r < TM; r++) {
    let gi = row0 + select(lid.y * 4u + r, (lid.y + WG_Y) * 4u + r - 4u, r >= 4u);
    if (gi >= params.m) {
      continue;
    }
    for (var c = 0u; c < TN; c++) {
      let gj = col0 + select(lid.x * 4u + c, (lid.x + WG_X) * 4u + c - 4u, c >= 4u);
      if (gj < params.n) {
        out[baseOut + gi * params.n + gj] = acc[r * 2u + c / 4u][c % 4u];
      }
    }
  }
}

// ---- `direct`: no workgroup memory ----

// Four consecutive-k elements of A's row at element offset `o` (stride colA).
fn loadA4(o: u32) -> vec4<f32> {
  let s = params.colA;
  return vec4(a[o], a[o + s], a[o + 2u * s], a[o + 3u * s]);
}

// B(p, j0..j3) for a k offset `o` and the four column offsets `cols`.
fn loadB4(o: u32, cols: vec4<u32>) -> vec4<f32> {
  return vec4(b[o + cols.x], b[o + cols.y], b[o + cols.z], b[o + cols.w]);
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn direct(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = params.m;
  let n = params.n;
  let k = params.k;
  let row = gid.y * 4u;
  let col = gid.x * 4u;
  if (row >= m || col >= n) {
    return;
  }
  // Rows and columns past the edge read the last valid one; their sums are never stored.
  let rows = min(vec4(row) + vec4(0u, 1u, 2u, 3u), vec4(m - 1u));
  let ra = gid.z * params.batchA + rows * params.rowA;
  let cb = min(vec4(col) + vec4(0u, 1u, 2u, 3u), vec4(n - 1u)) * params.colB + vec4(gid.z * params.batchB);
  let sa = 4u * params.colA;
  let sb = params.rowB;

  var c0 = vec4<f32>();
  var c1 = vec4<f32>();
  var c2 = vec4<f32>();
  var c3 = vec4<f32>();
  var oa = 0u; // p * colA
  var ob = 0u; // p * rowB
  let k4 = k & ~3u;
  for (var p = 0u; p < k4; p += 4u) {
    let a0 = loadA4(ra.x + oa);
    let a1 = loadA4(ra.y + oa);
    let a2 = loadA4(ra.z + oa);
    let a3 = loadA4(ra.w + oa);
    let b0 = loadB4(ob, cb);
    let b1 = loadB4(ob + sb, cb);
    let b2 = loadB4(ob + 2u * sb, cb);
    let b3 = loadB4(ob + 3u * sb, cb);
    c0 = fma(vec4(a0.x), b0, fma(vec4(a0.y), b1, fma(vec4(a0.z), b2, fma(vec4(a0.w), b3, c0))));
    c1 = fma(vec4(a1.x), b0, fma(vec4(a1.y), b1, fma(vec4(a1.z), b2, fma(vec4(a1.w), b3, c1))));
    c2 = fma(vec4(a2.x), b0, fma(vec4(a2.y), b1, fma(vec4(a2.z), b2, fma(vec4(a2.w), b3, c2))));
    c3 = fma(vec4(a3.x), b0, fma(vec4(a3.y), b1, fma(vec4(a3.z), b2, fma(vec4(a3.w), b3, c3))));
    oa += sa;
    ob += 4u * sb;
  }
  for (var p = k4; p < k; p++) {
    let bv = loadB4(ob, cb);
    c0 = fma(vec4(a[ra.x + oa]), bv, c0);
    c1 = fma(vec4(a[ra.y + oa]), bv, c1);
    c2 = fma(vec4(a[ra.z + oa]), bv, c2);
    c3 = fma(vec4(a[ra.w + oa]), bv, c3);
    oa += params.colA;
    ob += sb;
  }

  let o = gid.z * m * n + row * n + col;
  let full = col + 4u <= n;
  store4(o, c0, full, n - col);
  if (row + 1u < m) {
    store4(o + n, c1, full, n - col);
  }
  if (row + 2u < m) {
    store4(o + 2u * n, c2, full, n - col);
  }
  if (row + 3u < m) {
    store4(o + 3u * n, c3, full, n - col);
  }
}

fn store4(o: u32, v: vec4<f32>, full: bool, left: u32) {
  if (full) {
    out[o] = v.x;
    out[o + 1u] = v.y;
    out[o + 2u] = v.z;
    out[o + 3u] = v.w;
  } else {
    for (var c = 0u; c < left; c++) {
      out[o + c] = v[c];
    }
  }
}
