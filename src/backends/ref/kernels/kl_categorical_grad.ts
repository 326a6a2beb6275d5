import type { F } from '../../../kernels.js';
import { lse } from './logsumexp.js';

// dlq_j = dy·q_j·((log q_j − log p_j) − KL);  dlp_j = dy·(p_j − q_j)
export function kl_categorical_grad(lq: F, lp: F, dy: F, dlq: F, dlp: F, rows: number, k: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * k, zq = lse(lq, o, k), zp = lse(lp, o, k);
    let kl = 0;
    for (let j = 0; j < k; j++) {
      const logq = lq[o + j] - zq;
      kl += Math.exp(logq) * (logq - (lp[o + j] - zp));
    }
    for (let j = 0; j < k; j++) {
      const logq = lq[o + j] - zq, logp = lp[o + j] - zp, q = Math.exp(logq);
      dlq[o + j] = dy[r] * q * (logq - logp - kl);
      dlp[o + j] = dy[r] * (Math.exp(logp) - q);
    }
  }
}
