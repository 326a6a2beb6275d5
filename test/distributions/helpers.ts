// Small helpers for the distribution tests: repeated rows, a χ² statistic, and a plain-JS softmax.
export function repeatRows(row: readonly number[], n: number): Float64Array {
  const out = new Float64Array(row.length * n);
  for (let i = 0; i < n; i++) out.set(row, i * row.length);
  return out;
}

/** Σ (observed − expected)² / expected. */
export function chi2(counts: readonly number[], probs: readonly number[], n: number): number {
  return counts.reduce((s, c, j) => s + (c - n * probs[j]) ** 2 / (n * probs[j]), 0);
}

/** Upper 0.9999 quantiles of χ² by degrees of freedom: a deterministic test fails only on a real mismatch. */
export const CHI2_9999: Record<number, number> = { 1: 15.14, 2: 18.42, 3: 21.11, 4: 23.51, 5: 25.74, 7: 29.88, 9: 33.72 };

export function softmaxJs(l: readonly number[]): number[] {
  const m = Math.max(...l);
  const e = l.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export const sigmoidJs = (x: number): number => 1 / (1 + Math.exp(-x));
