// sigmoid_xent_rows: the row sums of sigmoid_xent with each target row shared by s logit rows:
//   y[i] = Σ_{j<cols} (max(l, 0) − t·l) + log1p(e^−|l|),   l = logits[i,j], t = targets[⌊i/s⌋, j]
// (logits [rows, cols], targets [rows/s, cols], y [rows]; rows a multiple of s). −y[i] is
// log p(t | σ(l)) of Bernoulli pixels, so the importance-sampled evaluation gets the s samples of
// an example without repeating its data row, and without writing the [rows, cols] terms
// (sigmoid_xent + reduce_sum).
// Scalar path: Mathf.exp / Mathf.log1p, summed in order. SIMD path, 4 lanes: the linear parts
// max(l, 0) − t·l are summed, and the log1p parts as logs of products,
//   Σ_j log1p(e^−|l_j|) = Σ_groups ln Π_{j ∈ group} (1 + e^−|l_j|),
// 16 vectors a group (each factor in (1, 2], a product ≤ 2¹⁶): one expf4_nonpos per element and
// one logf4 per 64, instead of expf4_nonpos + log1pf4_01 per element (~1.6× faster). Rounding
// 1 + e costs ≤ 6e−8 absolute per term, the 16 products ≤ 2e−6 relative and logf4 ≤ 1.2e−6
// absolute per group: well under the f32 running sum's own rounding at a row's size (~1e−5 for 784
// Bernoulli pixels). The tail is a partial vector whose padding lanes add 0 and multiply by 1.
// Then hsum4. NaN in l or t propagates.
import { expf4_nonpos, hsum4, laneMask, loadPartial, logf4 } from '../simd';

/** Elements per product: 16 vectors of factors ≤ 2 keep it ≤ 2¹⁶, where logf4 is accurate to ~1e−6. */
// @ts-ignore: decorator
@inline const GROUP: i32 = 64;

/** max(l, 0) − t·l */
// @ts-ignore: decorator
@inline function lin4(l: v128, t: v128): v128 {
  return f32x4.sub(f32x4.pmax(l, f32x4.splat(0.0)), f32x4.mul(t, l));
}

/** 1 + e^−|l| */
// @ts-ignore: decorator
@inline function factor4(l: v128): v128 {
  return f32x4.add(f32x4.splat(1.0), expf4_nonpos(f32x4.neg(f32x4.abs(l))));
}

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
    let lin = f32x4.splat(0), logs = f32x4.splat(0);
    for (let j = 0; j < body;) {
      const end = min(j + GROUP, body);
      let prod = f32x4.splat(1.0);
      for (; j < end; j += 4) {
        const o = <usize>j << 2, l = v128.load(li + o);
        lin = f32x4.add(lin, lin4(l, v128.load(ti + o)));
        prod = f32x4.mul(prod, factor4(l));
      }
      logs = f32x4.add(logs, logf4(prod));
    }
    if (rem > 0) {
      const o = <usize>body << 2, pad = f32x4.splat(0), l = loadPartial(li + o, rem, pad);
      lin = f32x4.add(lin, v128.and(lin4(l, loadPartial(ti + o, rem, pad)), tail));
      logs = f32x4.add(logs, logf4(v128.bitselect(factor4(l), f32x4.splat(1.0), tail)));
    }
    store<f32>(y + (<usize>i << 2), hsum4(f32x4.add(lin, logs)));
  }
}

export function sigmoid_xent_rows_f32(logits: usize, targets: usize, y: usize, rows: i32, cols: i32, s: i32): void {
  if (ASC_FEATURE_SIMD) sigmoid_xent_rows_f32__simd128(logits, targets, y, rows, cols, s);
  else sigmoid_xent_rows_f32__scalar(logits, targets, y, rows, cols, s);
}
