// sparse_matmul: C[i,:] = bias + Σ_{j : A[i,j] ≠ 0} A[i,j]·B[j,:], j ascending (A [m,k], B [k,n],
// C [m,n]; bias [n] or none, then the sum starts from +0).
//
// The product A·B for an A whose rows are mostly zero: one-hot categorical samples (20 of 200
// entries), binary Bernoulli samples, the one-hot repeat matrix of the importance-sampled
// evaluation. Work is (non-zeros of A)·n instead of m·k·n. Rows of B where A is 0 are never read,
// so 0·Inf and 0·NaN there count as 0 (a dense matmul would give NaN); NaN in A propagates. A
// one-hot row copies a row of B exactly: 1·b + 0 rounds to b.
//
// Per row of C: set it to the bias, then for each group of up to 4 non-zeros (scanned in order)
// C[i,:] = a3·B3 + (a2·B2 + (a1·B1 + (a0·B0 + C[i,:]))), 4 lanes at a time with fma4 (one rounding
// on relaxed-SIMD builds, two otherwise), a partial vector at the end of the row.
import { copyRun, fma4, loadPartial, storePartial, zeroRun } from '../simd';

export function sparse_matmul_f32__scalar(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, bias: usize): void {
  for (let i = 0; i < m; i++) {
    const ci = c + ((<usize>i * n) << 2), ai = a + ((<usize>i * k) << 2);
    for (let x = 0; x < n; x++) store<f32>(ci + (<usize>x << 2), bias ? load<f32>(bias + (<usize>x << 2)) : 0);
    for (let j = 0; j < k; j++) {
      const v = load<f32>(ai + (<usize>j << 2));
      if (v == 0) continue;
      const bj = b + ((<usize>j * n) << 2);
      for (let x = 0; x < n; x++) {
        const o = <usize>x << 2;
        store<f32>(ci + o, v * load<f32>(bj + o) + load<f32>(ci + o));
      }
    }
  }
}

/** C row += a0·B0 … a{cnt−1}·B{cnt−1} (cnt ∈ 1..4; unused rows repeat B0 with weight 0 and are skipped). */
// @ts-ignore: decorator
@inline function addRows(ci: usize, n: i32, cnt: i32, b0: usize, b1: usize, b2: usize, b3: usize, a0: f32, a1: f32, a2: f32, a3: f32): void {
  const v0 = f32x4.splat(a0), v1 = f32x4.splat(a1), v2 = f32x4.splat(a2), v3 = f32x4.splat(a3);
  let x = 0;
  if (cnt == 4) {
    for (; x + 4 <= n; x += 4) {
      const o = <usize>x << 2;
      v128.store(ci + o, fma4(v3, v128.load(b3 + o), fma4(v2, v128.load(b2 + o), fma4(v1, v128.load(b1 + o), fma4(v0, v128.load(b0 + o), v128.load(ci + o))))));
    }
  } else {
    for (; x + 4 <= n; x += 4) {
      const o = <usize>x << 2;
      let s = fma4(v0, v128.load(b0 + o), v128.load(ci + o));
      if (cnt > 1) s = fma4(v1, v128.load(b1 + o), s);
      if (cnt > 2) s = fma4(v2, v128.load(b2 + o), s);
      v128.store(ci + o, s);
    }
  }
  const rem = n - x;
  if (rem > 0) {
    const o = <usize>x << 2, pad = f32x4.splat(0);
    let s = fma4(v0, loadPartial(b0 + o, rem, pad), loadPartial(ci + o, rem, pad));
    if (cnt > 1) s = fma4(v1, loadPartial(b1 + o, rem, pad), s);
    if (cnt > 2) s = fma4(v2, loadPartial(b2 + o, rem, pad), s);
    if (cnt > 3) s = fma4(v3, loadPartial(b3 + o, rem, pad), s);
    storePartial(ci + o, s, rem);
  }
}

export function sparse_matmul_f32__simd128(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, bias: usize): void {
  const rowBytes = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const ci = c + <usize>i * rowBytes, ai = a + ((<usize>i * k) << 2);
    if (bias) copyRun(ci, bias, n, true);
    else zeroRun(ci, n, true);
    let cnt = 0;
    let b0: usize = 0, b1: usize = 0, b2: usize = 0;
    let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0;
    for (let j = 0; j < k; j++) {
      const v = load<f32>(ai + (<usize>j << 2));
      if (v == 0) continue;
      const bj = b + <usize>j * rowBytes;
      if (cnt == 0) { b0 = bj; a0 = v; }
      else if (cnt == 1) { b1 = bj; a1 = v; }
      else if (cnt == 2) { b2 = bj; a2 = v; }
      else {
        addRows(ci, n, 4, b0, b1, b2, bj, a0, a1, a2, v);
        cnt = 0;
        continue;
      }
      cnt++;
    }
    if (cnt > 0) addRows(ci, n, cnt, b0, b1, b2, b0, a0, a1, a2, 0);
  }
}

export function sparse_matmul_f32(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, bias: usize): void {
  if (ASC_FEATURE_SIMD) sparse_matmul_f32__simd128(a, b, c, m, k, n, bias);
  else sparse_matmul_f32__scalar(a, b, c, m, k, n, bias);
}
