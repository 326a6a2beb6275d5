import type { F } from '../../../kernels.js';
import { lse } from './logsumexp.js';

export function log_softmax(x: F, y: F, rows: number, k: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * k, l = lse(x, o, k);
    for (let j = 0; j < k; j++) y[o + j] = x[o + j] - l;
  }
}
