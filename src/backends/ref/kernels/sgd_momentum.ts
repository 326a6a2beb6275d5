// v = μ·v + g;  p = p − lr·v
export function sgd_momentum(p: Float32Array, g: Float32Array, v: Float32Array, n: number, lr: number, momentum: number): void {
  for (let i = 0; i < n; i++) {
    v[i] = momentum * v[i] + g[i];
    p[i] = p[i] - lr * v[i];
  }
}
