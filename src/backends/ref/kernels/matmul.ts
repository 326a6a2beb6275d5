import type { F } from '../../../kernels.js';
// C[m,n] (+)= op(A)·op(B) (+ bias), accumulated in f64.
export function matmul(a: F, b: F, c: F, m: number, k: number, n: number, transA: boolean, transB: boolean, accumulate: boolean, bias: F | null): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      if (bias) s += bias[j];
      c[i * n + j] = accumulate ? c[i * n + j] + s : s;
    }
  }
}
