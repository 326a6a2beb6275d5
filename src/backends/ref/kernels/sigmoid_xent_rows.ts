import type { F } from '../../../kernels.js';
import { softplus } from './unary.js';

// y[i] = Σ_j softplus(l[i,j]) − t[⌊i/s⌋,j]·l[i,j]: sigmoid_xent's row sums, target row ⌊i/s⌋; each term
// rounded to y's precision as sigmoid_xent stores it, then summed in f64 as reduce_sum does (so s = 1
// gives the unfused pair's values exactly, f32 or f64).
export function sigmoid_xent_rows(logits: F, targets: F, y: F, rows: number, cols: number, s: number): void {
  const round = y instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let i = 0; i < rows; i++) {
    const t = Math.floor(i / s) * cols;
    let acc = 0;
    for (let j = 0; j < cols; j++) acc += round(softplus(logits[i * cols + j]) - targets[t + j] * logits[i * cols + j]);
    y[i] = acc;
  }
}
