import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { Categorical, klDivergence, Bernoulli } from '../../src/distributions/index.js';
import { setBackend } from '../../src/engine.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { CHI2_9999, chi2, repeatRows, softmaxJs } from './helpers.js';

beforeAll(() => setBackend(createRefBackend({ f64: true })));

// Two variables of four classes per row.
const L = [0.5, -1, 1.5, 0, 2, 0, -2, 0.3];

describe('Categorical (grouped)', () => {
  it('samples are exactly one-hot per group, with argmax frequencies softmax(ℓ) (χ² at a fixed key)', () => {
    const n = 20000;
    const z = new Categorical(tensor(repeatRows(L, n), [n, 8]), 4).sample(key(2)).data();
    let bad = 0;
    for (let g = 0; g < 2 * n; g++) {
      const row = z.subarray(g * 4, g * 4 + 4);
      if (!row.every((v) => v === 0 || v === 1) || Array.from(row).reduce((a, b) => a + b) !== 1) bad++;
    }
    expect(bad).toBe(0);
    for (const v of [0, 1]) {
      const counts = [0, 0, 0, 0];
      for (let i = 0; i < n; i++) for (let j = 0; j < 4; j++) counts[j] += z[i * 8 + v * 4 + j];
      expect(chi2(counts, softmaxJs(L.slice(v * 4, v * 4 + 4)), n)).toBeLessThan(CHI2_9999[3]);
    }
  });

  it('logProb per variable and per example, entropy and KL match the formulas', () => {
    const d = new Categorical(tensor(L, [1, 8]), 4);
    const z = [0, 0, 1, 0, 1, 0, 0, 0];
    const p = [softmaxJs(L.slice(0, 4)), softmaxJs(L.slice(4))];
    const units = d.logProbUnits(tensor(z, [1, 8])).data();
    expect(units[0]).toBeCloseTo(Math.log(p[0][2]), 12);
    expect(units[1]).toBeCloseTo(Math.log(p[1][0]), 12);
    expect(d.logProb(tensor(z, [1, 8])).item()).toBeCloseTo(Math.log(p[0][2] * p[1][0]), 12);
    const h = p.flat().reduce((s, v) => s - v * Math.log(v), 0);
    expect(d.entropy().item()).toBeCloseTo(h, 12);
    expect(Array.from(d.entropyUnits().data()).reduce((a, b) => a + b)).toBeCloseTo(h, 12);
    const q = [0, 0, 0, 0, 1, -1, 0.5, 0];
    const pq = [softmaxJs(q.slice(0, 4)), softmaxJs(q.slice(4))];
    const kl = p.reduce((s, pv, v) => s + pv.reduce((t, x, j) => t + x * Math.log(x / pq[v][j]), 0), 0);
    expect(klDivergence(d, new Categorical(tensor(q, [1, 8]), 4)).item()).toBeCloseTo(kl, 12);
  });

  it('rejects a k that does not divide the last dimension, and KL across kinds', () => {
    expect(() => new Categorical(tensor(L, [1, 8]), 3)).toThrow(ShapeError);
    expect(() => klDivergence(new Categorical(tensor(L, [1, 8]), 4), new Bernoulli(tensor(L, [1, 8])))).toThrow(ArgumentError);
  });
});
