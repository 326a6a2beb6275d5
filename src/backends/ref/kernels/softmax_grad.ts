import type { F } from '../../../kernels.js';
// dx = y ⊙ (dy − Σ_j dy_j·y_j)
export function softmax_grad(y: F, dy: F, dx: F, rows: number, k: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let s = 0;
    for (let j = 0; j < k; j++) s += dy[o + j] * y[o + j];
    for (let j = 0; j < k; j++) dx[o + j] = y[o + j] * (dy[o + j] - s);
  }
}
