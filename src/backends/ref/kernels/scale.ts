export function scale(x: Float32Array, y: Float32Array, n: number, alpha: number, beta: number): void {
  for (let i = 0; i < n; i++) y[i] = alpha * x[i] + beta;
}
