import type { F } from '../../../kernels.js';
import { scale } from './scale.js';
import { unary_grad } from './unary_grad.js';
// dl = invTau·dy·y(1 − y): unary_grad's sigmoid (it reads only y), then scale.
export function gumbel_sigmoid_grad(y: F, dy: F, dl: F, n: number, invTau: number): void {
  unary_grad('sigmoid', y, y, dy, dl, n);
  scale(dl, dl, n, invTau, 0);
}
