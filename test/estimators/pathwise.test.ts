// gumbel_softmax and st_gumbel_softmax: with the key fixed the relaxed sample is a deterministic,
// differentiable function of the logits, so the gradient must match f64 finite differences; the
// straight-through forward pass must be exactly the discrete sample of the same noise.
import { beforeAll, describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { bernoulliProblem, categoricalProblem, twoLayerProblem, type Problem } from '../../src/diagnostics/gradient_stats.js';
import { discrete } from '../../src/distributions/index.js';
import { setBackend } from '../../src/engine.js';
import { type EstimatorName, createEstimator, layerKey } from '../../src/estimators/index.js';
import { tensor, variable } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import type { Tensor } from '../../src/tensor.js';
import { fillRandom } from '../harness/check_kernel.js';
import { gradcheck } from '../harness/gradcheck.js';
import { BERN, CAT4, linearProblem } from './helpers.js';

const be = createRefBackend({ f64: true });
beforeAll(() => setBackend(be));

const B = 3;
/** The problem's parameters as B rows of random logits, one input per parameter vector. */
const inputs = (p: Problem) => p.params.map((v, i) => ({ shape: [B, v.length], data: fillRandom(B * v.length, 40 + i, -2, 2) }));

/** The value each stochastic layer takes in one objective call, and the gradient in the logits rows. */
function forward(name: EstimatorName, p: Problem, tau: number, seed = 9): { zs: Float64Array[]; grads: Float64Array[] } {
  const rows = p.params.map((v, i) => variable(fillRandom(B * 50 * v.length, 60 + i, -2, 2), [B * 50, v.length], be));
  const zs: Float64Array[] = [];
  const pass = p.pass(rows);
  const { surrogate } = createEstimator(name).objective((latent) => pass((l, s) => {
    const z = latent(l, s);
    zs.push(Float64Array.from(z.data()));
    return z;
  }), key(seed), { tau, slope: 1 });
  return { zs, grads: grad(surrogate, rows).map((g) => Float64Array.from(g!.data())) };
}

describe('gumbel_softmax', () => {
  for (const make of [bernoulliProblem, categoricalProblem, twoLayerProblem]) {
    for (const tau of [0.5, 2]) {
      it(`with frozen noise matches f64 finite differences (${make().name}, τ = ${tau})`, () => {
        const p = make();
        gradcheck(be, (...rows: Tensor[]) => createEstimator('gumbel_softmax').objective(p.pass(rows), key(5), { tau, slope: 1 }).surrogate, inputs(p), { tol: 1e-6 });
      });
    }
  }

  it('approaches one-hot as τ → 0, with argmax equal to the discrete sample of the same key', () => {
    const p = categoricalProblem(), gaps: number[] = [];
    const rows = tensor(fillRandom(150 * 8, 60, -2, 2), [150, 8]);
    const hard = discrete(rows, CAT4).sample(layerKey(key(9), 0)).data();
    for (const tau of [1, 0.1, 0.01]) {
      const y = forward('gumbel_softmax', p, tau).zs[0];
      let gap = 0, mismatch = 0;
      for (let g = 0; g < y.length / 4; g++) {
        const row = Array.from(y.subarray(g * 4, g * 4 + 4));
        gap += 1 - Math.max(...row);
        if (hard[g * 4 + row.indexOf(Math.max(...row))] !== 1) mismatch++;
      }
      expect(mismatch).toBe(0);
      gaps.push(gap / (y.length / 4));
    }
    expect(gaps[1]).toBeLessThan(gaps[0]);
    expect(gaps[2]).toBeLessThan(gaps[1]);
    expect(gaps[2]).toBeLessThan(1e-2);
  });

  it('rejects τ ≤ 0 and non-finite τ, naming tau', () => {
    for (const tau of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => forward('gumbel_softmax', bernoulliProblem(), tau)).toThrow(/tau must be a finite number in \[1e-30, 1e30\]/);
      expect(() => forward('st_gumbel_softmax', categoricalProblem(), tau)).toThrow(/tau/);
    }
  });
});

describe('st_gumbel_softmax', () => {
  it('forwards exactly the discrete sample of the same noise, at any τ', () => {
    for (const p of [bernoulliProblem(), categoricalProblem()]) {
      const spec = p.layers[0].spec;
      const rows = tensor(fillRandom(150 * p.params[0].length, 60, -2, 2), [150, p.params[0].length]);
      const want = Array.from(discrete(rows, spec).sample(layerKey(key(9), 0)).data());
      for (const tau of [0.1, 1, 10]) expect(Array.from(forward('st_gumbel_softmax', p, tau).zs[0])).toEqual(want);
    }
  });

  it('has the gumbel_softmax gradient when f is linear (the backward pass goes through y)', () => {
    for (const p of [linearProblem(BERN, [0, 0, 0], [1, -2, 0.5]), linearProblem(CAT4, [0, 0, 0, 0], [1, -2, 0.5, 3])]) {
      const a = forward('st_gumbel_softmax', p, 0.7).grads[0], b = forward('gumbel_softmax', p, 0.7).grads[0];
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 12));
    }
  });
});
