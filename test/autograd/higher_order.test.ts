// Second derivatives: grad(..., { createGraph: true }) returns gradients on the tape, and their
// gradient (a Hessian-vector product) matches central finite differences of the first gradient, in
// f64 on ref, for every rule the learned control variates (REBAR, RELAX) and the models use.
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import * as ops from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import type { Tensor } from '../../src/tensor.js';
import { fillRandom } from '../harness/check_kernel.js';

const be = createRefBackend({ f64: true });
type Input = { shape: number[]; data: ArrayLike<number> };
const r = (shape: number[], seed: number, lo = -2, hi = 2): Input => ({ shape, data: fillRandom(shape.reduce((a, b) => a * b, 1), seed, lo, hi) });

/** G(x) = Σ_j ⟨w_j, ∇_{x_j} Σ c ⊙ f(x)⟩ (c, w fixed random); checks ∇G from createGraph against (G(x + h) − G(x − h))/2h. */
function hesscheck(f: (...xs: Tensor[]) => Tensor, inputs: Input[], tol = 1e-6): void {
  const h = 1e-5;
  const weights = (t: Tensor, seed: number) => ops.tensor(fillRandom(t.size, seed, -1, 1), t.shape, { backend: be });
  const G = (xs: Tensor[], createGraph: boolean): Tensor => {
    const y = f(...xs);
    const gs = grad(ops.sum(ops.mul(y, weights(y, 98))), xs, undefined, { createGraph });
    return gs.map((g, j) => (g ? ops.sum(ops.mul(g, weights(g, 100 + j))) : ops.zeros([], { backend: be }))).reduce((a, b) => ops.add(a, b));
  };
  const vars = inputs.map((x) => ops.variable(x.data, x.shape, be));
  const analytic = grad(G(vars, true), vars);
  for (const [j, x] of inputs.entries()) {
    for (let i = 0; i < x.data.length; i++) {
      const at = (delta: number) => {
        const xs = inputs.map((xx, jj) => {
          const d = Float64Array.from(xx.data);
          if (jj === j) d[i] += delta;
          return ops.variable(d, xx.shape, be);
        });
        return G(xs, false).item();
      };
      const numeric = (at(h) - at(-h)) / (2 * h), a = analytic[j] ? analytic[j]!.data()[i] : 0;
      expect(Math.abs(a - numeric), `input ${j}[${i}]: analytic ${a} vs numeric ${numeric}`).toBeLessThanOrEqual(tol * (1 + Math.abs(numeric)));
    }
  }
}

describe('second derivatives (createGraph) against finite differences', () => {
  for (const op of ['neg', 'square', 'sigmoid', 'tanh', 'softplus', 'exp'] as const) {
    it(`unary ${op}`, () => hesscheck((x) => ops.mul(ops[op](x), x), [r([3, 4], 1)]));
  }
  it('unary sqrt and log (positive domain)', () => {
    hesscheck((x) => ops.mul(ops.sqrt(x), x), [r([5], 2, 0.5, 3)]);
    hesscheck((x) => ops.mul(ops.log(x), x), [r([5], 3, 0.5, 3)]);
  });
  it('abs and relu: the mask is constant (second derivative of relu(x)·x is 2·[x > 0] on the diagonal)', () => {
    hesscheck((x) => ops.mul(ops.relu(x), x), [r([6], 4)]);
    hesscheck((x) => ops.mul(ops.abs(x), ops.tanh(x)), [r([6], 5)]);
  });
  for (const op of ['add', 'sub', 'mul', 'div'] as const) {
    it(`binary ${op}, same shape and broadcast`, () => {
      const pos = (s: number[], seed: number) => r(s, seed, 0.5, 2);
      hesscheck((a, b) => ops.tanh(ops[op](a, b)), [r([3, 4], 6), pos([3, 4], 7)]);
      hesscheck((a, b) => ops.tanh(ops[op](a, b)), [r([3, 4], 8), pos([4], 9)]);
      hesscheck((a, b) => ops.tanh(ops[op](a, b)), [r([3, 4], 10), pos([3, 1], 11)]);
    });
  }
  it('scale, reshape and sum on every axis', () => {
    hesscheck((x) => ops.square(ops.sum(ops.scale(ops.reshape(x, [4, 3]), -1.5, 2), 0)), [r([3, 4], 12)]);
    hesscheck((x) => ops.tanh(ops.sum(x, -1)), [r([3, 4], 13)]);
    hesscheck((x) => ops.exp(ops.scale(ops.sum(x), 0.1)), [r([3, 4], 14)]);
  });
  it('matmul and linear (a tanh network of both inputs)', () => {
    hesscheck((a, b) => ops.tanh(ops.matmul(a, b)), [r([3, 4], 15), r([4, 2], 16)]);
    hesscheck((a, b) => ops.tanh(ops.matmul(a, b, { transA: true })), [r([4, 3], 17), r([4, 2], 18)]);
    hesscheck((a, b) => ops.tanh(ops.matmul(a, b, { transB: true })), [r([3, 4], 19), r([2, 4], 20)]);
    hesscheck((x, w, b) => ops.tanh(ops.linear(ops.tanh(ops.linear(x, w, b)), w, b)), [r([2, 3], 21), r([3, 3], 22), r([3], 23)]);
  });
  it('softmax, log-softmax and logsumexp over groups', () => {
    hesscheck((x) => ops.square(ops.softmax(x, 3)), [r([2, 6], 24)]);
    hesscheck((x) => ops.square(ops.logSoftmax(x, 3)), [r([2, 6], 25)]);
    hesscheck((x) => ops.square(ops.logsumexp(x, 3)), [r([2, 6], 26)]);
  });
  it('sigmoid cross-entropy in logits and targets', () => {
    hesscheck((l, t) => ops.sigmoidCrossEntropy(ops.tanh(l), t), [r([2, 3], 27), r([2, 3], 28, 0, 1)]);
    hesscheck((l, t) => ops.sigmoidCrossEntropyRows(ops.tanh(l), t), [r([2, 3], 30), r([2, 3], 31, 0, 1)]);
  });
  it('the fused relaxed samples gumbelSoftmax and gumbelSigmoid', () => {
    hesscheck((x) => ops.square(ops.gumbelSoftmax(x, key(2), 0.8, 3)), [r([2, 6], 32)]);
    hesscheck((x) => ops.square(ops.gumbelSigmoid(x, key(3), 0.8)), [r([2, 3], 33)]);
  });

  it('the createGraph gradient has the values of the ordinary one', () => {
    const x = ops.variable(r([2, 6], 29).data, [2, 6], be);
    const f = () => ops.sum(ops.square(ops.logSoftmax(ops.tanh(x), 3)));
    expect(Array.from(grad(f(), [x], undefined, { createGraph: true })[0]!.data())).toEqual(Array.from(grad(f(), [x])[0]!.data()));
  });

  it('a rule without a recorded form (the KL kernels) refuses a second derivative, naming the op', () => {
    const a = ops.variable([0.3, -0.2], [2], be), b = ops.variable([0.1, 0.5], [2], be);
    const [da] = grad(ops.sum(ops.klBernoulli(ops.square(a), b)), [a], undefined, { createGraph: true });
    expect(() => grad(ops.sum(da!), [a])).toThrow(/kl_bernoulli is not twice differentiable/);
  });
});
