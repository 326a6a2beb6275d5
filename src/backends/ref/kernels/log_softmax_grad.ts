import type { F } from '../../../kernels.js';
// dx = dy − exp(y)·Σ_j dy_j
export function log_softmax_grad(y: F, dy: F, dx: F, rows: number, k: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let s = 0;
    for (let j = 0; j < k; j++) s += dy[o + j];
    for (let j = 0; j < k; j++) dx[o + j] = dy[o + j] - Math.exp(y[o + j]) * s;
  }
}
