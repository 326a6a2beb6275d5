import type { F } from '../../../kernels.js';
import { scale } from './scale.js';
import { softmax_grad } from './softmax_grad.js';
// dl = invTau·(y ⊙ (dy − Σ_j dy_j·y_j)) per group: softmax_grad, then scale.
export function gumbel_softmax_grad(y: F, dy: F, dl: F, rows: number, k: number, invTau: number): void {
  softmax_grad(y, dy, dl, rows, k);
  scale(dl, dl, rows * k, invTau, 0);
}
