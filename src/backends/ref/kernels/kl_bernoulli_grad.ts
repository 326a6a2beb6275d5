import { sigmoid } from './unary.js';

// da = dy·σ(a)σ(−a)·(a − b);  db = dy·(σ(b) − σ(a))
export function kl_bernoulli_grad(a: Float32Array, b: Float32Array, dy: Float32Array, da: Float32Array, db: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const q = sigmoid(a[i]);
    da[i] = dy[i] * q * (1 - q) * (a[i] - b[i]);
    db[i] = dy[i] * (sigmoid(b[i]) - q);
  }
}
