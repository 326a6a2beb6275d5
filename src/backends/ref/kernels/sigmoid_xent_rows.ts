import type { F } from '../../../kernels.js';
import { softplus } from './unary.js';

// y[i] = Σ_j softplus(l[i,j]) − t[⌊i/s⌋,j]·l[i,j], summed in f64: sigmoid_xent's row sums, target row ⌊i/s⌋.
export function sigmoid_xent_rows(logits: F, targets: F, y: F, rows: number, cols: number, s: number): void {
  for (let i = 0; i < rows; i++) {
    const t = Math.floor(i / s) * cols;
    let acc = 0;
    for (let j = 0; j < cols; j++) acc += softplus(logits[i * cols + j]) - targets[t + j] * logits[i * cols + j];
    y[i] = acc;
  }
}
