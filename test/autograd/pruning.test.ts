// grad() gives cotangents only to the tensors on a path to one of its `wrt`: asked for ∂f/∂z
// (MuProp, DARN), it computes no parameter gradient; under a first layer, no data gradient. The
// gradients it returns are the same either way (test/train/step_gradient_pins.test.ts pins them).
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { setBackend } from '../../src/engine.js';
import { linear, mul, sigmoid, sigmoidCrossEntropy, sum, tensor, variable } from '../../src/ops.js';
import { fillRandom } from '../harness/check_kernel.js';
import { profile } from '../../bench/profile.js';

describe('grad() skips what no wrt tensor needs', () => {
  const prof = profile(createRefBackend());
  const be = prof.backend;
  setBackend(be);
  const o = { backend: be };
  const x = tensor(fillRandom(4 * 6, 1, -1, 1), [4, 6], o); // data
  const w1 = variable(fillRandom(6 * 5, 2, -1, 1), [6, 5], be), w2 = variable(fillRandom(5 * 3, 3, -1, 1), [5, 3], be);
  const target = tensor(fillRandom(4 * 3, 4, 0, 1), [4, 3], o);
  const loss = () => {
    const h = sigmoid(linear(x, w1));
    return { h, f: sum(sigmoidCrossEntropy(linear(mul(h, h), w2), target)) };
  };
  const calls = (id: string) => prof.totals.get(id)?.calls ?? 0;

  it('a first layer on data: two weight gradients and one hidden-layer gradient, no data gradient', () => {
    const { f } = loss();
    prof.reset();
    const full = grad(f, [w1, w2]);
    expect(calls('matmul')).toBe(3);
    expect(calls('sigmoid_xent_grad')).toBe(1);
    expect(full.every((g) => g !== null)).toBe(true);
  });

  it('asked for one weight only: the other one and everything under the path are skipped; same numbers', () => {
    const { f } = loss();
    const both = grad(f, [w1, w2]);
    prof.reset();
    const [g2] = grad(f, [w2]);
    expect(calls('matmul')).toBe(1);
    expect(calls('unary_grad:sigmoid')).toBe(0);
    expect(Array.from(g2!.data())).toEqual(Array.from(both[1]!.data()));
  });

  it('asked for an intermediate tensor: no parameter gradient at all', () => {
    const { h, f } = loss();
    prof.reset();
    const [gh] = grad(f, [h]);
    expect(gh!.shape).toEqual([4, 5]);
    expect(calls('matmul')).toBe(1); // dh·w2ᵀ only, not dw2 = (h⊙h)ᵀ·dy
  });
});
