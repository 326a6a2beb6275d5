// Central finite differences in f64 on the `ref` backend (tinygrad test_gradient.py idea).
import { expect } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { grad, noGrad } from '../../src/autograd/tape.js';
import { mul, sum, tensor, variable } from '../../src/ops.js';
import type { Tensor } from '../../src/tensor.js';
import { fillRandom } from './check_kernel.js';

/**
 * Checks ∂/∂inputs of Σ w ⊙ f(inputs) (w fixed random weights, so every output element matters)
 * against (L(x + h) − L(x − h)) / 2h for every input element.
 */
export function gradcheck(be: Backend, f: (...xs: Tensor[]) => Tensor, inputs: { shape: number[]; data: ArrayLike<number> }[], opts: { h?: number; tol?: number } = {}): void {
  const h = opts.h ?? 1e-6, tol = opts.tol ?? 1e-6;
  const vars = inputs.map((x) => variable(x.data, x.shape, be));
  const y0 = f(...vars);
  const w = tensor(fillRandom(y0.size, 99, -1, 1), y0.shape, { backend: be });
  const loss = (xs: Tensor[]) => sum(mul(f(...xs), w));
  const grads = grad(loss(vars), vars);
  for (const [j, x] of inputs.entries()) {
    const analytic = grads[j] ? grads[j]!.data() : new Float64Array(x.data.length);
    for (let i = 0; i < x.data.length; i++) {
      const at = (delta: number) =>
        noGrad(() => {
          const xs = inputs.map((xx, jj) => {
            const d = Float64Array.from(xx.data);
            if (jj === j) d[i] += delta;
            return tensor(d, xx.shape, { backend: be });
          });
          return loss(xs).item();
        });
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(analytic[i] - numeric), `input ${j}[${i}]: analytic ${analytic[i]} vs numeric ${numeric}`).toBeLessThanOrEqual(tol * (1 + Math.abs(numeric)));
    }
  }
}
