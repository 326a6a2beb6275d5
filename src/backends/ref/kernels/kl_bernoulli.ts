import type { F } from '../../../kernels.js';
import { sigmoid, softplus } from './unary.js';

// KL = σ(a)(log σ(a) − log σ(b)) + σ(−a)(log σ(−a) − log σ(−b)), with log σ(x) = −softplus(−x)
export function kl_bernoulli(a: F, b: F, y: F, n: number): void {
  for (let i = 0; i < n; i++) {
    const q = sigmoid(a[i]);
    y[i] = q * (softplus(-b[i]) - softplus(-a[i])) + (1 - q) * (softplus(b[i]) - softplus(a[i]));
  }
}
