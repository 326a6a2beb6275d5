// sigmoid_xent_rows_grad: the gradient of sigmoid_xent_rows for the logits,
//   dl[i, j] = dy[i]·(σ(l[i, j]) − t[⌊i/s⌋, j])      (logits, dl [rows, cols]; targets [rows/s, cols]; dy [rows])
// (the gradient for t is composed in autograd). Per element the operations of sigmoid_xent_grad
// (its grad4 / sigmoidf) with dy[i] for every element of row i: bitwise what sigmoid_xent_grad
// gives on dy broadcast over the row (the unfused sigmoid_xent + reduce_sum backward).
// SIMD: 4 lanes along a row, the row's last cols mod 4 as a partial vector.
import { loadPartial, storePartial } from '../simd';
import { grad4 } from './sigmoid_xent_grad';
import { sigmoidf } from './unary';

export function sigmoid_xent_rows_grad_f32__scalar(logits: usize, targets: usize, dy: usize, dl: usize, rows: i32, cols: i32, s: i32): void {
  for (let i = 0; i < rows; i++) {
    const li = (<usize>i * cols) << 2, ti = targets + ((<usize>(i / s) * cols) << 2), g = load<f32>(dy + (<usize>i << 2));
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(dl + li + o, g * (sigmoidf(load<f32>(logits + li + o)) - load<f32>(ti + o)));
    }
  }
}

export function sigmoid_xent_rows_grad_f32__simd128(logits: usize, targets: usize, dy: usize, dl: usize, rows: i32, cols: i32, s: i32): void {
  const pad = f32x4.splat(0.0);
  for (let i = 0; i < rows; i++) {
    const li = (<usize>i * cols) << 2, ti = targets + ((<usize>(i / s) * cols) << 2), g = v128.load32_splat(dy + (<usize>i << 2));
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(dl + li + o, grad4(v128.load(logits + li + o), v128.load(ti + o), g));
    }
    const rem = cols - j;
    if (rem > 0) {
      const o = <usize>j << 2;
      storePartial(dl + li + o, grad4(loadPartial(logits + li + o, rem, pad), loadPartial(ti + o, rem, pad), g), rem);
    }
  }
}

export function sigmoid_xent_rows_grad_f32(logits: usize, targets: usize, dy: usize, dl: usize, rows: i32, cols: i32, s: i32): void {
  if (ASC_FEATURE_SIMD) sigmoid_xent_rows_grad_f32__simd128(logits, targets, dy, dl, rows, cols, s);
  else sigmoid_xent_rows_grad_f32__scalar(logits, targets, dy, dl, rows, cols, s);
}
