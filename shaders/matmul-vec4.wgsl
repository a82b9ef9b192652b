// matmul with vec4 global loads and stores: the aligned-shape twin of matmul.wgsl (same Params,
// same dispatch geometry, same two entry points), for shapes where every row of A, B and out
// starts on a 16-byte boundary: K and N multiples of 4, and M too when A is transposed.
// src/tensor/kernels/matmul.ts checks that (matmulVec4Eligible) and uses matmul.wgsl otherwise.
// A vec4 runs along the operand's contiguous axis: K for A (M when transposed), N for B (K when
// transposed), N for out. Offsets in Params are in floats; they are divided by 4 here.
// Bindings: @0 a (read) -> @1 b (read) -> @2 out (write) -> @3 params (uniform).
// - `main` (GPUs): the tiled kernel; each thread stages whole vec4s of A and B from global memory
//   into the same workgroup tiles as matmul.wgsl (As along M, Bs along N) and stores vec4s.
//   Dispatch: (ceil(N / (WG_X*8)), ceil(M / (WG_Y*8)), batch).
// - `direct` (software adapters): a 4 x 4 block per thread, k stepped by 4, from vec4 loads; out
//   of range rows are clamped (read, never stored). Dispatch: (ceil(N / (WG_X*4)), ceil(M / (WG_Y*4)), batch).
// Tuning (override constants): WG_X, WG_Y (threads), TK (depth of the staged tiles, `main` only;
// a multiple of 4). Layout (override constants, set by the encoder): TRANS_A, TRANS_B; Params'
// transA / transB and strides are unused here.

override WG_X: u32 = 16;
override WG_Y: u32 = 16;
override TK: u32 = 8;
// 1 when A (B) is stored transposed; override constants (not Params) so that the branches on them
// are compiled away rather than taken per k step.
override TRANS_A: u32 = 0u;
override TRANS_B: u32 = 0u;

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

@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: Params;

// ---- `main`: workgroup-tiled ----

const TM = 8u;
const TN = 8u;

// As[p * (BM / 4) + i / 4][i % 4] = A(row0 + i, p0 + p); Bs likewise along N (as matmul.wgsl).
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

  var acc: array<vec4<f32>, 16>;
  for (var p0 = 0u; p0 < params.k; p0 += TK) {
    // TK * BM floats of A as TK * BM / 4 vec4s.
    for (var e = li; e < TK * BM / 4u; e += threads) {
      if (TRANS_A != 0u) {
        // A stored [K, M]: a vec4 is 4 rows at one k, i.e. one whole As entry.
        let i4 = e % (BM / 4u);
        let p = e / (BM / 4u);
        let gi = row0 + 4u * i4;
        let gp = p0 + p;
        var v = vec4<f32>();
        if (gi < params.m && gp < params.k) {
          v = a[(baseA + gp * params.m + gi) / 4u];
        }
        As[p * (BM / 4u) + i4] = v;
      } else {
        // A stored [M, K]: a vec4 is 4 consecutive k of one row, scattered over 4 As entries.
        let i = e / (TK / 4u);
        let p4 = 4u * (e % (TK / 4u));
        let gi = row0 + i;
        let gp = p0 + p4;
        var v = vec4<f32>();
        if (gi < params.m && gp < params.k) {
          v = a[(baseA + gi * params.k + gp) / 4u];
        }
        for (var c = 0u; c < 4u; c++) {
          As[(p4 + c) * (BM / 4u) + i / 4u][i % 4u] = v[c];
        }
      }
    }
    for (var e = li; e < TK * BN / 4u; e += threads) {
      if (TRANS_B != 0u) {
        // B stored [N, K]: a vec4 is 4 consecutive k of one column.
        let j = e / (TK / 4u);
        let p4 = 4u * (e % (TK / 4u));
        let gj = col0 + j;
        let gp = p0 + p4;
        var v = vec4<f32>();
        if (gj < params.n && gp < params.k) {
          v = b[(baseB + gj * params.k + gp) / 4u];
        }
        for (var c = 0u; c < 4u; c++) {
          Bs[(p4 + c) * (BN / 4u) + j / 4u][j % 4u] = v[c];
        }
      } else {
        // B stored [K, N]: a vec4 is 4 columns at one k, one whole Bs entry.
        let j4 = e % (BN / 4u);
        let p = e / (BN / 4u);
        let gj = col0 + 4u * j4;
        let gp = p0 + p;
        var v = vec4<f32>();
        if (gj < params.n && gp < params.k) {
          v = b[(baseB + gp * params.n + gj) / 4u];
        }
        Bs[p * (BN / 4u) + j4] = v;
      }
    }
    workgroupBarrier();
    for (var p = 0u; p < TK; p++) {
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

  // N is a multiple of 4, so a thread's 4-column groups are either wholly in range or wholly out.
  let n4 = params.n / 4u;
  let baseOut = wid.z * params.m * n4;
  for (var r = 0u; r < TM; r++) {
    let gi = row0 + select(lid.y * 4u + r, (lid.y + WG_Y) * 4u + r - 4u, r >= 4u);
    if (gi >= params.m) {
      continue;
    }
    let g0 = col0 / 4u + lid.x;
    let g1 = g0 + WG_X;
    if (g0 < n4) {
      out[baseOut + gi * n4 + g0] = acc[r * 2u];
    }
    if (g1 < n4) {
      out[baseOut + gi * n4 + g1] = acc[r * 2u + 1u];
    }
  }
}

// ---- `direct`: no workgroup memory ----

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
  let baseA = gid.z * params.batchA;
  let baseB = gid.z * params.batchB;
  var c0 = vec4<f32>();
  var c1 = vec4<f32>();
  var c2 = vec4<f32>();
  var c3 = vec4<f32>();
  // Rows past the edge read the last valid one; their sums are never stored. Columns never pass
  // it (N is a multiple of 4); with A transposed neither do rows (M is then a multiple of 4).
  let rows = min(vec4(row) + vec4(0u, 1u, 2u, 3u), vec4(m - 1u));
  for (var p = 0u; p < k; p += 4u) {
    // x0..x3: A(rows, p..p+3), one vec4 per row.
    var x0: vec4<f32>;
    var x1: vec4<f32>;
    var x2: vec4<f32>;
    var x3: vec4<f32>;
    if (TRANS_A != 0u) {
      // A [K, M]: vec4s hold A(row..row+3, p + q); transpose the 4 x 4 block.
      let t0 = a[(baseA + p * m + row) / 4u];
      let t1 = a[(baseA + (p + 1u) * m + row) / 4u];
      let t2 = a[(baseA + (p + 2u) * m + row) / 4u];
      let t3 = a[(baseA + (p + 3u) * m + row) / 4u];
      x0 = vec4(t0.x, t1.x, t2.x, t3.x);
      x1 = vec4(t0.y, t1.y, t2.y, t3.y);
      x2 = vec4(t0.z, t1.z, t2.z, t3.z);
      x3 = vec4(t0.w, t1.w, t2.w, t3.w);
    } else {
      x0 = a[(baseA + rows.x * k + p) / 4u];
      x1 = a[(baseA + rows.y * k + p) / 4u];
      x2 = a[(baseA + rows.z * k + p) / 4u];
      x3 = a[(baseA + rows.w * k + p) / 4u];
    }
    // y0..y3: B(p + q, col..col+3), one vec4 per k.
    var y0: vec4<f32>;
    var y1: vec4<f32>;
    var y2: vec4<f32>;
    var y3: vec4<f32>;
    if (TRANS_B != 0u) {
      // B [N, K]: vec4s hold B(p..p+3, col + c); transpose the 4 x 4 block.
      let t0 = b[(baseB + col * k + p) / 4u];
      let t1 = b[(baseB + (col + 1u) * k + p) / 4u];
      let t2 = b[(baseB + (col + 2u) * k + p) / 4u];
      let t3 = b[(baseB + (col + 3u) * k + p) / 4u];
      y0 = vec4(t0.x, t1.x, t2.x, t3.x);
      y1 = vec4(t0.y, t1.y, t2.y, t3.y);
      y2 = vec4(t0.z, t1.z, t2.z, t3.z);
      y3 = vec4(t0.w, t1.w, t2.w, t3.w);
    } else {
      y0 = b[(baseB + p * n + col) / 4u];
      y1 = b[(baseB + (p + 1u) * n + col) / 4u];
      y2 = b[(baseB + (p + 2u) * n + col) / 4u];
      y3 = b[(baseB + (p + 3u) * n + col) / 4u];
    }
    c0 = fma(vec4(x0.x), y0, fma(vec4(x0.y), y1, fma(vec4(x0.z), y2, fma(vec4(x0.w), y3, c0))));
    c1 = fma(vec4(x1.x), y0, fma(vec4(x1.y), y1, fma(vec4(x1.z), y2, fma(vec4(x1.w), y3, c1))));
    c2 = fma(vec4(x2.x), y0, fma(vec4(x2.y), y1, fma(vec4(x2.z), y2, fma(vec4(x2.w), y3, c2))));
    c3 = fma(vec4(x3.x), y0, fma(vec4(x3.y), y1, fma(vec4(x3.z), y2, fma(vec4(x3.w), y3, c3))));
  }
  let n4 = n / 4u;
  let o = gid.z * m * n4 + row * n4 + gid.x;
  out[o] = c0;
  if (row + 1u < m) {
    out[o + n4] = c1;
  }
  if (row + 2u < m) {
    out[o + 2u * n4] = c2;
  }
  if (row + 3u < m) {
    out[o + 3u * n4] = c3;
  }
}
