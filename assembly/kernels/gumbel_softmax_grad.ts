// gumbel_softmax_grad: the backward pass of gumbel_softmax with respect to the logits,
//   dl = invTau · y ⊙ (dy − Σ_j dy_j·y_j)   per group of k, given y = gumbel_softmax(...)
// (the softmax Jacobian-vector product, then the chain rule through s = invTau·(l + g)).
// softmax_grad into dl, then scale in place: bitwise what those two kernels give.
//
//   y, dy: [rows, k]   ──►   dl: [rows, k]
import { scale_f32 } from './scale';
import { softmax_grad_f32 } from './softmax_grad';

export function gumbel_softmax_grad_f32(y: usize, dy: usize, dl: usize, rows: i32, k: i32, invTau: f64): void {
  softmax_grad_f32(y, dy, dl, rows, k);
  scale_f32(dl, dl, rows * k, invTau, 0.0);
}
