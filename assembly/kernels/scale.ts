// scale: y[i] = alpha·x[i] + beta for i < n; in place allowed (y = x).
//
// alpha and beta arrive as f64, as the `ref` backend uses them. The scalar path computes in f64
// and rounds once, exactly like `ref` (bitwise equal); the SIMD path rounds alpha and beta to f32
// and does one fused multiply-add (relaxed SIMD) or mul + add per element.
// Tail: the last 1–3 elements go through the same vector code with partial loads and stores, so a
// result does not depend on its position.
import { fma4, loadPartial, storePartial } from '../simd';

export function scale_f32__scalar(x: usize, y: usize, n: i32, alpha: f64, beta: f64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, <f32>(alpha * <f64>load<f32>(x + o) + beta));
  }
}

export function scale_f32__simd128_u8(x: usize, y: usize, n: i32, alpha: f64, beta: f64): void {
  const va = f32x4.splat(<f32>alpha), vb = f32x4.splat(<f32>beta);
  let i = 0;
  // NOTE: do-while, exit at the bottom: V8 hoists the splats out of the loop only from blocks
  // that dominate the loop exit (with the test at the top it redoes them every iteration).
  if (n >= 8) {
    do {
      const o = <usize>i << 2;
      const v0 = v128.load(x + o), v1 = v128.load(x + o, 16);
      v128.store(y + o, fma4(va, v0, vb));
      v128.store(y + o, fma4(va, v1, vb), 16);
      i += 8;
    } while (i + 8 <= n);
  }
  for (; i < n; i += 4) {
    const o = <usize>i << 2, rem = n - i;
    if (rem >= 4) v128.store(y + o, fma4(va, v128.load(x + o), vb));
    else storePartial(y + o, fma4(va, loadPartial(x + o, rem, vb), vb), rem);
  }
}

export function scale_f32(x: usize, y: usize, n: i32, alpha: f64, beta: f64): void {
  if (ASC_FEATURE_SIMD) scale_f32__simd128_u8(x, y, n, alpha, beta);
  else scale_f32__scalar(x, y, n, alpha, beta);
}
