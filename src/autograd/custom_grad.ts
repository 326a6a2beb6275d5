// customGrad and friends: how estimators define "forward this, backward that".
import { stopGradient } from '../ops.js';
import type { Tensor } from '../tensor.js';
import { noGrad, recordCustom } from './tape.js';

/**
 * y = forward() computed without recording; backward gives each input vjp(dy, y)[i].
 * Example (straight-through): customGrad([logits], () => hardSample, (dy) => [dy·∂σ(ℓ)/∂ℓ]).
 */
export function customGrad(inputs: Tensor[], forward: () => Tensor, vjp: (dy: Tensor, y: Tensor) => (Tensor | null)[]): Tensor {
  // A fresh view, so a forward that returns an existing tensor never loses that tensor's own node.
  const y = stopGradient(noGrad(forward));
  recordCustom(inputs, y, (dy) => vjp(dy, y));
  return y;
}
