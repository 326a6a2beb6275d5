import type { F } from '../../../kernels.js';
// one_hot(argmax): the first maximum wins ties; a group containing NaN becomes all NaN.
export function argmax_onehot(x: F, y: F, rows: number, k: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let best = 0, nan = false;
    for (let j = 0; j < k; j++) {
      if (x[o + j] !== x[o + j]) nan = true;
      else if (x[o + j] > x[o + best]) best = j;
    }
    for (let j = 0; j < k; j++) y[o + j] = nan ? NaN : j === best ? 1 : 0;
  }
}
