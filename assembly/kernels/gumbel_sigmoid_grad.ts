// gumbel_sigmoid_grad: the backward pass of gumbel_sigmoid with respect to the logits,
//   dl = invTau · dy·y(1 − y),   given y = gumbel_sigmoid(...) = σ(invTau·(l + L))
// unary_grad's sigmoid into dl, then scale in place: bitwise what those two kernels give.
import { UNARY_SIGMOID } from '../codes';
import { scale_f32 } from './scale';
import { unary_grad_f32 } from './unary_grad';

export function gumbel_sigmoid_grad_f32(y: usize, dy: usize, dl: usize, n: i32, invTau: f64): void {
  unary_grad_f32(UNARY_SIGMOID, y, y, dy, dl, n); // σ′ uses only y (x = y keeps its loads in bounds)
  scale_f32(dl, dl, n, invTau, 0.0);
}
