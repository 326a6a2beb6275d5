import type { F } from '../../../kernels.js';
import { sigmoid } from './unary.js';

// dl[i,j] = dy[i]·(σ(l[i,j]) − t[⌊i/s⌋,j]): sigmoid_xent_grad with dy[i] for row i and target row ⌊i/s⌋.
export function sigmoid_xent_rows_grad(logits: F, targets: F, dy: F, dl: F, rows: number, cols: number, s: number): void {
  for (let i = 0; i < rows; i++) {
    const t = Math.floor(i / s) * cols;
    for (let j = 0; j < cols; j++) dl[i * cols + j] = dy[i] * (sigmoid(logits[i * cols + j]) - targets[t + j]);
  }
}
