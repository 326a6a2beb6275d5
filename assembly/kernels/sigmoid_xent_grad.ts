// sigmoid_xent_grad: dl[i] = dy[i]·(σ(l[i]) − t[i]) for i < n (the gradient of sigmoid_xent
// for the logits; the one for t, −dy·l, is composed in autograd).
// σ is the stable form (sigmoidf / sigmoidf4: e^−|l|, one division; cephes expf in SIMD).
import { loadPartial, sigmoidf4, storePartial } from '../simd';
import { sigmoidf } from './unary';

// @ts-ignore: decorator
@inline export function grad4(l: v128, t: v128, dy: v128): v128 {
  return f32x4.mul(dy, f32x4.sub(sigmoidf4(l), t));
}

export function sigmoid_xent_grad_f32__scalar(logits: usize, targets: usize, dy: usize, dl: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dl + o, load<f32>(dy + o) * (sigmoidf(load<f32>(logits + o)) - load<f32>(targets + o)));
  }
}

export function sigmoid_xent_grad_f32__simd128(logits: usize, targets: usize, dy: usize, dl: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dl + o, grad4(v128.load(logits + o), v128.load(targets + o), v128.load(dy + o)));
  }
  const rem = n - i;
  if (rem > 0) {
    const o = <usize>i << 2, pad = f32x4.splat(0.0);
    storePartial(dl + o, grad4(loadPartial(logits + o, rem, pad), loadPartial(targets + o, rem, pad), loadPartial(dy + o, rem, pad)), rem);
  }
}

export function sigmoid_xent_grad_f32(logits: usize, targets: usize, dy: usize, dl: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) sigmoid_xent_grad_f32__simd128(logits, targets, dy, dl, n);
  else sigmoid_xent_grad_f32__scalar(logits, targets, dy, dl, n);
}
