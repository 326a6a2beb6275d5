import type { F } from '../../../kernels.js';
import { sigmoid, softplus } from './unary.js';

// KL = σ(a)(log σ(a) − log σ(b)) + σ(−a)(log σ(−a) − log σ(−b)), with log σ(x) = −softplus(−x)
export function kl_bernoulli(a: F, b: F, y: F, n: number): void {
  for (let i = 0; i < n; i++) {
    // σ(−a), not 1 − σ(a): the latter is 0 in f64 for a ≳ 37 and the KL of two large logits vanishes.
    y[i] = sigmoid(a[i]) * (softplus(-b[i]) - softplus(-a[i])) + sigmoid(-a[i]) * (softplus(b[i]) - softplus(a[i]));
  }
}
