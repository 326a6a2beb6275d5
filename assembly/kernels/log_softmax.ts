// log_softmax: y[r, :] = x[r, :] − logsumexp(x[r, :]) per group of k (logsumexp as in
// logsumexp.ts: max-subtracted, ±Inf / NaN max returned as is, so a NaN makes the group NaN).
//
//   x: [rows, k]   ──►   y: [rows, k]   (y must not alias x)
//
// Scalar path: lse1 (Mathf.exp / Mathf.log) then one subtraction pass. SIMD paths: k ∈ {1, 2, 4}
// segmented (lseSeg: expf4_nonpos + logf4_pos, every lane gets its group's logsumexp); other k: lseRow
// (expf4_nonpos over full + partial vectors, scalar log) then a vector subtraction pass.
import { loadPartial, storePartial, laneMask } from '../simd';
import { lse1, lseRow, lseSeg } from './logsumexp';

export function log_softmax_f32__scalar(x: usize, y: usize, rows: i32, k: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * <usize>k << 2;
    const l = lse1(x + o, k);
    for (let j = 0; j < k; j++) store<f32>(y + o + (<usize>j << 2), load<f32>(x + o + (<usize>j << 2)) - l);
  }
}

// @ts-ignore: decorator
@inline function lsmSeg(x: usize, y: usize, rows: i32, K: i32): void {
  const n = rows * K;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    v128.store(y + (<usize>i << 2), f32x4.sub(v, lseSeg(v, K)));
  }
  const rem = n - i;
  if (rem > 0) {
    const v = loadPartial(x + (<usize>i << 2), rem, f32x4.splat(0.0));
    storePartial(y + (<usize>i << 2), f32x4.sub(v, lseSeg(v, K)), rem);
  }
}

export function log_softmax_f32__simd128_seg(x: usize, y: usize, rows: i32, k: i32): void {
  if (k == 1) lsmSeg(x, y, rows, 1);
  else if (k == 2) lsmSeg(x, y, rows, 2);
  else lsmSeg(x, y, rows, 4);
}

export function log_softmax_f32__simd128_rows(x: usize, y: usize, rows: i32, k: i32): void {
  const kv = k & ~3, rem = k & 3, mask = laneMask(rem);
  const tail = <usize>kv << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * <usize>k << 2;
    const px = x + o, py = y + o;
    const vl = f32x4.splat(lseRow(px, kv, rem, mask));
    for (let j = 0; j < kv; j += 4) v128.store(py + (<usize>j << 2), f32x4.sub(v128.load(px + (<usize>j << 2)), vl));
    if (rem) storePartial(py + tail, f32x4.sub(loadPartial(px + tail, rem, vl), vl), rem);
  }
}

export function log_softmax_f32(x: usize, y: usize, rows: i32, k: i32): void {
  if (ASC_FEATURE_SIMD) {
    if (k == 1 || k == 2 || k == 4) log_softmax_f32__simd128_seg(x, y, rows, k);
    else log_softmax_f32__simd128_rows(x, y, rows, k);
  } else log_softmax_f32__scalar(x, y, rows, k);
}
