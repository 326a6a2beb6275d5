import type { F } from '../../../kernels.js';
/** log Σ exp(x[o..o+k)) with the max subtracted; -Infinity for an all -Infinity group, NaN if any NaN. */
export function lse(x: F, o: number, k: number): number {
  let mx = -Infinity;
  for (let j = 0; j < k; j++) mx = x[o + j] > mx || x[o + j] !== x[o + j] ? x[o + j] : mx;
  if (mx === -Infinity || mx !== mx || mx === Infinity) return mx;
  let s = 0;
  for (let j = 0; j < k; j++) s += Math.exp(x[o + j] - mx);
  return mx + Math.log(s);
}

export function logsumexp(x: F, y: F, rows: number, k: number): void {
  for (let r = 0; r < rows; r++) y[r] = lse(x, r * k, k);
}
