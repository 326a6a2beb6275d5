import type { F } from '../../../kernels.js';
import { sigmoid } from './unary.js';

export function sigmoid_xent_grad(logits: F, targets: F, dy: F, dl: F, n: number): void {
  for (let i = 0; i < n; i++) dl[i] = dy[i] * (sigmoid(logits[i]) - targets[i]);
}
