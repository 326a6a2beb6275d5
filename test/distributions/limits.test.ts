// Inputs at the edge of float32 (issue 15 item 10, op level):
// - a temperature outside TAU_RANGE is refused with an ArgumentError naming tau, the range and the
//   value (τ = 1e-40 used to pass and give NaN samples); at both ends of the range samples and
//   log-densities are finite;
// - NaN logits are defined to give NaN, in exactly the variables they touch, on every backend: a
//   NaN hard sample never looks like a valid one-hot, and the loss built on it is NaN.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { Bernoulli, Categorical, RelaxedBernoulli, RelaxedOneHotCategorical, TAU_RANGE } from '../../src/distributions/index.js';
import { ArgumentError } from '../../src/errors.js';
import { tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { BACKENDS } from '../harness/backends.js';
import { fillRandom } from '../harness/check_kernel.js';

const isNaN = (xs: ArrayLike<number>) => Array.from(xs).every(Number.isNaN);
const finite = (xs: ArrayLike<number>) => Array.from(xs).every(Number.isFinite);

describe('temperature range', () => {
  const be = createRefBackend();
  const logits = tensor(fillRandom(24, 1), [2, 12], { backend: be });

  it('is [1e-30, 1e30]', () => expect(TAU_RANGE).toEqual([1e-30, 1e30]));

  it('refuses a number or a tensor value outside it, naming tau, the range and the value', () => {
    for (const tau of [1e-40, 1e-31, 1e31, 1e40]) {
      for (const make of [() => new RelaxedOneHotCategorical(logits, tau, 4), () => new RelaxedBernoulli(logits, tau)]) {
        expect(make).toThrow(ArgumentError);
        expect(make).toThrow(new RegExp(`tau must be .*\\[1e-30, 1e30\\].*found ${String(tau).replace('+', '\\+')}`));
      }
    }
    const perRow = tensor([0.5, 1e-40], [2], { backend: be });
    expect(() => new RelaxedOneHotCategorical(logits, perRow, 4)).toThrow(/tau must be .*\[1e-30, 1e30\].*at row 1/);
  });

  it('gives finite samples and log-densities at both ends', () => {
    for (const tau of TAU_RANGE) {
      const rc = new RelaxedOneHotCategorical(logits, tau, 4), rb = new RelaxedBernoulli(logits, tau);
      const x = rc.sampleLog(key(3));
      for (const t of [x, rc.sample(key(3)), rc.logProbLog(x), rb.sample(key(3)), rb.logProbLogit(rb.sampleLogit(key(3)))]) {
        expect(finite(t.data()), `tau = ${tau}`).toBe(true);
      }
    }
  });
});

describe.each(BACKENDS)('NaN logits on $label', ({ make }) => {
  it('give NaN in exactly the variables they touch, hard samples included', async () => {
    const be: Backend = await make();
    const l = fillRandom(24, 2);
    l[5] = NaN; // row 0, variable 1 of 3 (k = 4); unit 5 for the Bernoulli layers
    const logits = tensor(l, [2, 12], { backend: be });
    const k = key(4);
    const inGroup = (i: number) => i >= 4 && i < 8;
    const check = (name: string, y: ArrayLike<number>, touched: (i: number) => boolean) => {
      Array.from(y).forEach((v, i) => expect(Number.isNaN(v), `${name}[${i}]`).toBe(touched(i)));
    };
    const rc = new RelaxedOneHotCategorical(logits, 0.5, 4), { hard, soft } = rc.sampleWithHard(k);
    check('categorical sample', new Categorical(logits, 4).sample(k).data(), inGroup);
    check('concrete hard', hard.data(), inGroup);
    check('concrete soft', soft.data(), inGroup);
    check('bernoulli sample', new Bernoulli(logits).sample(k).data(), (i) => i === 5);
    check('binconcrete sample', new RelaxedBernoulli(logits, 0.5).sample(k).data(), (i) => i === 5);
    // The per-example loss is NaN for row 0 only.
    const lp = rc.logProbLog(rc.sampleLog(k)).data();
    expect([isNaN([lp[0]]), finite([lp[1]])]).toEqual([true, true]);
    be.dispose();
  });
});
