import type { F } from '../../../kernels.js';
import { softplus } from './unary.js';

// −[t·log σ(l) + (1−t)·log σ(−l)] = softplus(l) − t·l
export function sigmoid_xent(logits: F, targets: F, y: F, n: number): void {
  for (let i = 0; i < n; i++) y[i] = softplus(logits[i]) - targets[i] * logits[i];
}
