import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { EULER_GAMMA, Gumbel } from '../../src/distributions/index.js';
import { setBackend } from '../../src/engine.js';
import { ArgumentError } from '../../src/errors.js';
import { full, tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';

beforeAll(() => setBackend(createRefBackend({ f64: true })));

describe('Gumbel', () => {
  it('logProb integrates to 1 and its entropy matches −∫ p log p', () => {
    for (const [mu, beta] of [[0, 1], [1.5, 0.5], [-2, 3]]) {
      const h = 0.005, xs = Array.from({ length: Math.round(80 * beta / h) }, (_, i) => mu - 10 * beta + (i + 0.5) * h);
      const d = new Gumbel(full([xs.length], mu), beta);
      const lp = d.logProbUnits(tensor(xs)).data();
      const mass = Array.from(lp).reduce((s, v) => s + Math.exp(v) * h, 0);
      const ent = Array.from(lp).reduce((s, v) => s - Math.exp(v) * v * h, 0);
      expect(mass).toBeCloseTo(1, 6);
      expect(new Gumbel(full([1, 1], mu), beta).entropy().item()).toBeCloseTo(ent, 5);
    }
  });

  it('samples have mean μ + γβ and are finite', () => {
    const n = 200000, d = new Gumbel(full([1, n], 0.7), 2);
    const x = d.sample(key(3)).data();
    expect(x.every(Number.isFinite)).toBe(true);
    const m = Array.from(x).reduce((a, b) => a + b) / n;
    const sd = (Math.PI / Math.sqrt(6)) * 2;
    expect(Math.abs(m - (0.7 + EULER_GAMMA * 2))).toBeLessThan(4 * sd / Math.sqrt(n));
    expect(d.mean().data()[0]).toBeCloseTo(0.7 + EULER_GAMMA * 2, 12);
  });

  it('rejects scale ≤ 0', () => {
    expect(() => new Gumbel(full([1], 0), 0)).toThrow(ArgumentError);
    expect(() => new Gumbel(full([1], 0), Number.NaN)).toThrow(/scale/);
  });
});
