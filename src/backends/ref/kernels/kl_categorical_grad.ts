import { lse } from './logsumexp.js';

// dlq_j = dy·q_j·((log q_j − log p_j) − KL);  dlp_j = dy·(p_j − q_j)
export function kl_categorical_grad(lq: Float32Array, lp: Float32Array, dy: Float32Array, dlq: Float32Array, dlp: Float32Array, rows: number, k: number): void {
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
