// marginalize, the exact sum over the latent variables' joint values: its objective and gradient
// against hand-computed sums, its cost, and its limit (an SBN's 2^n terms are refused).
import { beforeAll, describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { setBackend } from '../../src/engine.js';
import { createEstimator, estimatorDescriptor } from '../../src/estimators/index.js';
import { MAX_TERMS } from '../../src/estimators/marginalize.js';
import { mul, sum, tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';

beforeAll(() => setBackend(createRefBackend({ f64: true })));
const OPTS = { tau: 1, slope: 1 };

describe('marginalize', () => {
  it('one categorical variable: loss Σ_j q_j·f(e_j) per row, gradient q_i·(f_i − Σ_j q_j f_j)', () => {
    const l = [[0.3, -1.2, 0.5], [2, 0, -1]], w = [1.5, -2, 0.25], k = 3;
    const logits = tensor(l.flat(), [2, k]);
    logits.requiresGrad = true;
    let runs = 0;
    const o = createEstimator('marginalize').objective((latent) => {
      runs++;
      return sum(mul(latent(logits, { kind: 'categorical', k }), tensor([...w, ...w], [2, k])), -1);
    }, key(0), OPTS);
    expect(runs).toBe(k);
    const q = l.map((r) => r.map((v) => Math.exp(v) / r.reduce((s, u) => s + Math.exp(u), 0)));
    const ef = q.map((r) => r.reduce((s, p, j) => s + p * w[j], 0));
    expect(o.loss.item()).toBeCloseTo((ef[0] + ef[1]) / 2, 10);
    const g = Array.from(grad(o.surrogate, [logits])[0]!.data());
    g.forEach((v, i) => expect(v).toBeCloseTo((q[i / k | 0][i % k] * (w[i % k] - ef[i / k | 0])) / 2, 10));
  });

  it('two Bernoulli units: four terms, f weighted by σ(ℓ) or 1 − σ(ℓ) per unit', () => {
    const l = [0.4, -0.7], s = l.map((v) => 1 / (1 + Math.exp(-v)));
    const logits = tensor(l, [1, 2]);
    const seen: string[] = [];
    const o = createEstimator('marginalize').objective((latent) => {
      const z = latent(logits, { kind: 'bernoulli' });
      seen.push(Array.from(z.data()).join(''));
      return sum(mul(z, tensor([3, 5], [1, 2])), -1);
    }, key(0), OPTS);
    expect(seen).toEqual(['00', '01', '10', '11']);
    expect(o.loss.item()).toBeCloseTo(3 * s[0] + 5 * s[1], 10);
    expect(estimatorDescriptor('marginalize').evaluations({}, 1, 4)).toBe(4);
  });

  it(`refuses a pass with more than ${MAX_TERMS} joint values after one run`, () => {
    let runs = 0;
    const pass = (latent: Parameters<Parameters<ReturnType<typeof createEstimator>['objective']>[0]>[0]) => {
      runs++;
      return sum(latent(tensor(new Array(11).fill(0), [1, 11]), { kind: 'bernoulli' }), -1);
    };
    expect(() => createEstimator('marginalize').objective(pass, key(0), OPTS)).toThrow(/at most 1024 joint values .*found 2048/);
    expect(runs).toBe(1);
  });
});
