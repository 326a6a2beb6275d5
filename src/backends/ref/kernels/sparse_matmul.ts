import type { F } from '../../../kernels.js';
// C[i,:] = bias + Σ_{j : A[i,j] ≠ 0} A[i,j]·B[j,:], j ascending, accumulated in f64; rows of B where A is 0 are not read.
export function sparse_matmul(a: F, b: F, c: F, m: number, k: number, n: number, bias: F | null): void {
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    for (let x = 0; x < n; x++) acc[x] = bias ? bias[x] : 0;
    for (let j = 0; j < k; j++) {
      const v = a[i * k + j];
      if (v !== 0) for (let x = 0; x < n; x++) acc[x] += v * b[j * n + x];
    }
    c.set(acc, i * n);
  }
}
