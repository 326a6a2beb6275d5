import type { F } from '../../../kernels.js';
export function softmax(x: F, y: F, rows: number, k: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let mx = -Infinity;
    for (let j = 0; j < k; j++) mx = Math.max(mx, x[o + j]);
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(x[o + j] - mx);
    for (let j = 0; j < k; j++) y[o + j] = Math.exp(x[o + j] - mx) / s;
  }
}
