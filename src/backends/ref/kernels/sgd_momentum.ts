import type { F } from '../../../kernels.js';
// v = μ·v + g;  p = p − lr·v
export function sgd_momentum(p: F, g: F, v: F, n: number, lr: number, momentum: number): void {
  for (let i = 0; i < n; i++) {
    v[i] = momentum * v[i] + g[i];
    p[i] = p[i] - lr * v[i];
  }
}
