// log_softmax_grad: dx = dy − exp(y)·Σ_j dy_j per group of k, given y = log_softmax(x)
// (exp(y) = softmax(x) ≤ 1: y ≤ 0, so no overflow).
//
//   y, dy: [rows, k]   ──►   dx: [rows, k]
//
// Scalar path: Mathf.exp. SIMD paths (expf4_nonpos, cephes expf; valid for y ≤ 88, and y ≤ 0 here):
// k ∈ {1, 2, 4} segmented (segSum4 within groups); other k per group, full vectors plus one
// zero-padded partial vector.
import { expf4_nonpos, loadPartial, segSum4, storePartial } from '../simd';

export function log_softmax_grad_f32__scalar(y: usize, dy: usize, dx: usize, rows: i32, k: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * <usize>k << 2;
    let s: f32 = 0;
    for (let j = 0; j < k; j++) s += load<f32>(dy + o + (<usize>j << 2));
    for (let j = 0; j < k; j++) {
      const p = o + (<usize>j << 2);
      store<f32>(dx + p, load<f32>(dy + p) - Mathf.exp(load<f32>(y + p)) * s);
    }
  }
}

// @ts-ignore: decorator
@inline function seg4(vy: v128, vg: v128, K: i32): v128 {
  return f32x4.sub(vg, f32x4.mul(expf4_nonpos(vy), segSum4(vg, K)));
}

// @ts-ignore: decorator
@inline function gradSeg(y: usize, dy: usize, dx: usize, rows: i32, K: i32): void {
  const n = rows * K;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, seg4(v128.load(y + o), v128.load(dy + o), K));
  }
  const rem = n - i;
  if (rem > 0) {
    const o = <usize>i << 2, zero = f32x4.splat(0.0);
    storePartial(dx + o, seg4(loadPartial(y + o, rem, zero), loadPartial(dy + o, rem, zero), K), rem);
  }
}

export function log_softmax_grad_f32__simd128_seg(y: usize, dy: usize, dx: usize, rows: i32, k: i32): void {
  if (k == 1) gradSeg(y, dy, dx, rows, 1);
  else if (k == 2) gradSeg(y, dy, dx, rows, 2);
  else gradSeg(y, dy, dx, rows, 4);
}

export function log_softmax_grad_f32__simd128_rows(y: usize, dy: usize, dx: usize, rows: i32, k: i32): void {
  const kv = k & ~3, rem = k & 3;
  const zero = f32x4.splat(0.0);
  const tail = <usize>kv << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * <usize>k << 2;
    const py = y + o, pg = dy + o, pd = dx + o;
    let vs = zero;
    for (let j = 0; j < kv; j += 4) vs = f32x4.add(vs, v128.load(pg + (<usize>j << 2)));
    if (rem) vs = f32x4.add(vs, loadPartial(pg + tail, rem, zero));
    vs = segSum4(vs, 4);
    for (let j = 0; j < kv; j += 4) {
      const p = <usize>j << 2;
      v128.store(pd + p, f32x4.sub(v128.load(pg + p), f32x4.mul(expf4_nonpos(v128.load(py + p)), vs)));
    }
    if (rem) storePartial(pd + tail, f32x4.sub(loadPartial(pg + tail, rem, zero), f32x4.mul(expf4_nonpos(loadPartial(py + tail, rem, zero)), vs)), rem);
  }
}

export function log_softmax_grad_f32(y: usize, dy: usize, dx: usize, rows: i32, k: i32): void {
  if (ASC_FEATURE_SIMD) {
    if (k == 1 || k == 2 || k == 4) log_softmax_grad_f32__simd128_seg(y, dy, dx, rows, k);
    else log_softmax_grad_f32__simd128_rows(y, dy, dx, rows, k);
  } else log_softmax_grad_f32__scalar(y, dy, dx, rows, k);
}
