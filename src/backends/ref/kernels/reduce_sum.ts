import type { F } from '../../../kernels.js';
export function reduce_sum(x: F, y: F, rows: number, cols: number, axis: 0 | 1): void {
  if (axis === 0) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += x[r * cols + c];
      y[c] = s;
    }
  } else {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += x[r * cols + c];
      y[r] = s;
    }
  }
}
