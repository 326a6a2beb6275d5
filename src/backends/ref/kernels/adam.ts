import type { F } from '../../../kernels.js';
// m = β1·m + (1−β1)g;  v = β2·v + (1−β2)g²;  p = p − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + eps)
export function adam(p: F, g: F, m: F, v: F, n: number, lr: number, beta1: number, beta2: number, eps: number, t: number): void {
  const c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
  for (let i = 0; i < n; i++) {
    m[i] = beta1 * m[i] + (1 - beta1) * g[i];
    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    p[i] = p[i] - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
  }
}
