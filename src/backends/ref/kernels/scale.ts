import type { F } from '../../../kernels.js';
export function scale(x: F, y: F, n: number, alpha: number, beta: number): void {
  for (let i = 0; i < n; i++) y[i] = alpha * x[i] + beta;
}
