// C[m,n] (+)= op(A)·op(B) (+ bias), accumulated in f64.
export function matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean, accumulate: boolean, bias: Float32Array | null): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      if (bias) s += bias[j];
      c[i * n + j] = accumulate ? c[i * n + j] + s : s;
    }
  }
}
