// logsumexp: y[r] = log Σ_j exp(x[r, j]) over each group of k (y has `rows` elements):
//   m = max_j x_j;  y = m                         if m is ±Inf or NaN (as ref: NaN anywhere → NaN)
//                   y = m + log Σ_j exp(x_j − m)  otherwise (max-subtracted: the sum is in [1, k])
//
//   x: [rows, k]   ──►   y: [rows]
//
// Scalar path: Mathf.exp / Mathf.log. SIMD paths (expf4_nonpos cephes expf, logf4_pos cephes logf):
// - k ∈ {1, 2, 4}: 4/k groups per vector, segPMax4/segSum4 within groups, one logf4_pos per vector,
//   one scalar per group stored with storeSeg;
// - other k: per group, full vectors plus a −Inf-padded partial vector (masked out of the sum),
//   then one scalar Mathf.log per group.
// Both take the max with pmax and track NaN on the side (x ≠ x), so NaN wins over ±Inf as in ref.
// lseRow / lseSeg are shared with log_softmax.
import { expf4_nonpos, laneMask, loadPartial, logf4_pos, segAny4, segPMax4, segSum4, storeSeg } from '../simd';

/** Scalar log-sum-exp of k f32 at p (the spec's special cases included). */
// @ts-ignore: decorator
@inline export function lse1(p: usize, k: i32): f32 {
  let m = -Infinity as f32;
  for (let j = 0; j < k; j++) m = max<f32>(m, load<f32>(p + (<usize>j << 2)));
  if (!(Mathf.abs(m) < Infinity)) return m;
  let s: f32 = 0;
  for (let j = 0; j < k; j++) s += Mathf.exp(load<f32>(p + (<usize>j << 2)) - m);
  return m + Mathf.log(s);
}

/** SIMD log-sum-exp of one group of k at p; kv = k & ~3, rem = k & 3, mask = laneMask(rem). */
// @ts-ignore: decorator
@inline export function lseRow(p: usize, kv: i32, rem: i32, mask: v128): f32 {
  // NOTE: pmax (1 instruction) instead of the IEEE max (8 in V8, on the loop-carried chain); NaN is
  // tracked on the side (x ≠ x), off the chain.
  const ninf = f32x4.splat(-Infinity), tail = <usize>kv << 2;
  let vm = ninf, vnan = f32x4.splat(0.0);
  for (let j = 0; j < kv; j += 4) {
    const v = v128.load(p + (<usize>j << 2));
    vm = f32x4.pmax(vm, v);
    vnan = v128.or(vnan, f32x4.ne(v, v));
  }
  if (rem) {
    const v = loadPartial(p + tail, rem, ninf);
    vm = f32x4.pmax(vm, v);
    vnan = v128.or(vnan, f32x4.ne(v, v));
  }
  if (v128.any_true(vnan)) return NaN;
  vm = segPMax4(vm, 4);
  const m = f32x4.extract_lane(vm, 0);
  if (!(Mathf.abs(m) < Infinity)) return m;
  let vs = f32x4.splat(0.0);
  for (let j = 0; j < kv; j += 4) vs = f32x4.add(vs, expf4_nonpos(f32x4.sub(v128.load(p + (<usize>j << 2)), vm)));
  if (rem) vs = f32x4.add(vs, v128.and(expf4_nonpos(f32x4.sub(loadPartial(p + tail, rem, ninf), vm)), mask));
  return m + Mathf.log(f32x4.extract_lane(segSum4(vs, 4), 0));
}

/** Segmented log-sum-exp (K ∈ {1, 2, 4}): every lane gets its group's value. */
// @ts-ignore: decorator
@inline export function lseSeg(v: v128, K: i32): v128 {
  const m = segPMax4(v, K);
  // logf4_pos: the sum is in [1, K] unless m is ±Inf (selected below) or a NaN is present (OR-ed below).
  let l = f32x4.add(m, logf4_pos(segSum4(expf4_nonpos(f32x4.sub(v, m)), K)));
  l = v128.bitselect(l, m, f32x4.lt(f32x4.abs(m), f32x4.splat(Infinity)));
  return v128.or(l, segAny4(f32x4.ne(v, v), K)); // all-ones is a NaN
}

export function logsumexp_f32__scalar(x: usize, y: usize, rows: i32, k: i32): void {
  for (let r = 0; r < rows; r++) store<f32>(y + (<usize>r << 2), lse1(x + (<usize>r * <usize>k << 2), k));
}

// @ts-ignore: decorator
@inline function lseSegLoop(x: usize, y: usize, rows: i32, K: i32): void {
  const n = rows * K;
  let i = 0;
  for (; i + 4 <= n; i += 4) storeSeg(y + (<usize>(i / K) << 2), lseSeg(v128.load(x + (<usize>i << 2)), K), K, 4 / K);
  const rem = n - i;
  if (rem > 0) storeSeg(y + (<usize>(i / K) << 2), lseSeg(loadPartial(x + (<usize>i << 2), rem, f32x4.splat(0.0)), K), K, rem / K);
}

export function logsumexp_f32__simd128_seg(x: usize, y: usize, rows: i32, k: i32): void {
  if (k == 1) lseSegLoop(x, y, rows, 1);
  else if (k == 2) lseSegLoop(x, y, rows, 2);
  else lseSegLoop(x, y, rows, 4);
}

export function logsumexp_f32__simd128_rows(x: usize, y: usize, rows: i32, k: i32): void {
  const kv = k & ~3, rem = k & 3, mask = laneMask(rem);
  for (let r = 0; r < rows; r++) store<f32>(y + (<usize>r << 2), lseRow(x + (<usize>r * <usize>k << 2), kv, rem, mask));
}

export function logsumexp_f32(x: usize, y: usize, rows: i32, k: i32): void {
  if (ASC_FEATURE_SIMD) {
    if (k == 1 || k == 2 || k == 4) logsumexp_f32__simd128_seg(x, y, rows, k);
    else logsumexp_f32__simd128_rows(x, y, rows, k);
  } else logsumexp_f32__scalar(x, y, rows, k);
}
