// sigmoid_xent_rows: the row sums of sigmoid_xent with each target row shared by s logit rows:
//   y[i] = Σ_{j<cols} (max(l, 0) − t·l) + log1p(e^−|l|),   l = logits[i,j], t = targets[⌊i/s⌋, j]
// (logits [rows, cols], targets [rows/s, cols], y [rows]; rows a multiple of s). −y[i] is
// log p(t | σ(l)) of Bernoulli pixels, so the importance-sampled evaluation gets the s samples of
// an example without repeating its data row, and without writing the [rows, cols] terms
// (sigmoid_xent + reduce_sum).
// Scalar path: Mathf.exp / Mathf.log1p, summed in order. SIMD path: sigmoid_xent's xent4 (expf4_nonpos,
// log1pf4_01) summed in 4 lanes, the tail as a partial vector whose padding lanes are masked to +0,
// then hsum4. NaN in l or t propagates.
import { hsum4, laneMask, loadPartial } from '../simd';
import { xent4 } from './sigmoid_xent';

export function sigmoid_xent_rows_f32__scalar(logits: usize, targets: usize, y: usize, rows: i32, cols: i32, s: i32): void {
  for (let i = 0; i < rows; i++) {
    const li = logits + ((<usize>i * cols) << 2), ti = targets + ((<usize>(i / s) * cols) << 2);
    let acc: f32 = 0;
    for (let j = 0; j < cols; j++) {
      const l = load<f32>(li + (<usize>j << 2)), t = load<f32>(ti + (<usize>j << 2));
      acc += (max<f32>(l, 0) - t * l) + Mathf.log1p(Mathf.exp(-Mathf.abs(l)));
    }
    store<f32>(y + (<usize>i << 2), acc);
  }
}

export function sigmoid_xent_rows_f32__simd128(logits: usize, targets: usize, y: usize, rows: i32, cols: i32, s: i32): void {
  const rem = cols & 3, body = cols - rem, tail = laneMask(rem);
  for (let i = 0; i < rows; i++) {
    const li = logits + ((<usize>i * cols) << 2), ti = targets + ((<usize>(i / s) * cols) << 2);
    let acc = f32x4.splat(0);
    for (let j = 0; j < body; j += 4) {
      const o = <usize>j << 2;
      acc = f32x4.add(acc, xent4(v128.load(li + o), v128.load(ti + o)));
    }
    if (rem > 0) {
      const o = <usize>body << 2;
      const pad = f32x4.splat(0);
      acc = f32x4.add(acc, v128.and(xent4(loadPartial(li + o, rem, pad), loadPartial(ti + o, rem, pad)), tail));
    }
    store<f32>(y + (<usize>i << 2), hsum4(acc));
  }
}

export function sigmoid_xent_rows_f32(logits: usize, targets: usize, y: usize, rows: i32, cols: i32, s: i32): void {
  if (ASC_FEATURE_SIMD) sigmoid_xent_rows_f32__simd128(logits, targets, y, rows, cols, s);
  else sigmoid_xent_rows_f32__scalar(logits, targets, y, rows, cols, s);
}
