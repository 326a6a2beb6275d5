import type { F } from '../../../kernels.js';
import { lse } from './logsumexp.js';

// KL(q‖p) = Σ_j q_j (log q_j − log p_j), q = softmax(lq), p = softmax(lp)
export function kl_categorical(lq: F, lp: F, y: F, rows: number, k: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * k, zq = lse(lq, o, k), zp = lse(lp, o, k);
    let s = 0;
    for (let j = 0; j < k; j++) {
      const logq = lq[o + j] - zq;
      s += Math.exp(logq) * (logq - (lp[o + j] - zp));
    }
    y[r] = s;
  }
}
