// sigmoid_xent: Bernoulli negative log-likelihood with logits, elementwise for i < n:
//   y = −[t·log σ(l) + (1 − t)·log σ(−l)] = softplus(l) − t·l
//     = (max(l, 0) − t·l) + log1p(e^−|l|)
// NOTE: the bracketing keeps the large terms together: for t = 1 and l ≫ 0, max(l, 0) − t·l is
// exactly 0 and the small log1p(e^−l) survives (softplus(l) − l would round it away).
// Scalar path: Mathf.exp / Mathf.log1p. SIMD path: expf4_nonpos (cephes expf) and log1pf4_01 (cephes logf
// polynomial) from assembly/simd.ts, 4 lanes, partial-vector tail. NaN in l or t propagates.
import { expf4_nonpos, loadPartial, log1pf4_01, storePartial } from '../simd';

// @ts-ignore: decorator
@inline function xent4(l: v128, t: v128): v128 {
  const lin = f32x4.sub(f32x4.pmax(l, f32x4.splat(0.0)), f32x4.mul(t, l));
  return f32x4.add(lin, log1pf4_01(expf4_nonpos(f32x4.neg(f32x4.abs(l)))));
}

export function sigmoid_xent_f32__scalar(logits: usize, targets: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const l = load<f32>(logits + o), t = load<f32>(targets + o);
    store<f32>(y + o, (max<f32>(l, 0) - t * l) + Mathf.log1p(Mathf.exp(-Mathf.abs(l))));
  }
}

export function sigmoid_xent_f32__simd128(logits: usize, targets: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, xent4(v128.load(logits + o), v128.load(targets + o)));
  }
  const rem = n - i;
  if (rem > 0) {
    const o = <usize>i << 2, pad = f32x4.splat(0.0);
    storePartial(y + o, xent4(loadPartial(logits + o, rem, pad), loadPartial(targets + o, rem, pad)), rem);
  }
}

export function sigmoid_xent_f32(logits: usize, targets: usize, y: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) sigmoid_xent_f32__simd128(logits, targets, y, n);
  else sigmoid_xent_f32__scalar(logits, targets, y, n);
}
