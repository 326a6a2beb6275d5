import type { F } from '../../../kernels.js';
import { sigmoid } from './unary.js';

// da = dy·σ(a)σ(−a)·(a − b);  db = dy·(σ(b) − σ(a))
export function kl_bernoulli_grad(a: F, b: F, dy: F, da: F, db: F, n: number): void {
  for (let i = 0; i < n; i++) {
    const q = sigmoid(a[i]);
    da[i] = dy[i] * q * sigmoid(-a[i]) * (a[i] - b[i]);
    db[i] = dy[i] * (sigmoid(b[i]) - q);
  }
}
