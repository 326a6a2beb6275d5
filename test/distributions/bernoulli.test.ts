import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { Bernoulli } from '../../src/distributions/index.js';
import { setBackend } from '../../src/engine.js';
import { tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { CHI2_9999, chi2, repeatRows, sigmoidJs } from './helpers.js';

beforeAll(() => setBackend(createRefBackend({ f64: true })));

const L = [-1.5, 0.2, 2.4];

describe('Bernoulli', () => {
  it('samples are exactly 0 or 1, with frequencies σ(ℓ) (χ² at a fixed key)', () => {
    const n = 20000;
    const z = new Bernoulli(tensor(repeatRows(L, n), [n, 3])).sample(key(1)).data();
    expect(z.every((v) => v === 0 || v === 1)).toBe(true);
    L.forEach((l, j) => {
      let ones = 0;
      for (let i = 0; i < n; i++) ones += z[i * 3 + j];
      const p = sigmoidJs(l);
      expect(chi2([ones, n - ones], [p, 1 - p], n)).toBeLessThan(CHI2_9999[1]);
    });
  });

  it('logProb per unit and per example, entropy and KL match the formulas', () => {
    const d = new Bernoulli(tensor(L, [1, 3]));
    const z = [1, 0, 1];
    const units = d.logProbUnits(tensor(z, [1, 3])).data();
    const want = L.map((l, j) => Math.log(z[j] ? sigmoidJs(l) : 1 - sigmoidJs(l)));
    units.forEach((u, j) => expect(u).toBeCloseTo(want[j], 12));
    expect(d.logProb(tensor(z, [1, 3])).data()[0]).toBeCloseTo(want.reduce((a, b) => a + b), 12);
    const h = L.reduce((s, l) => { const p = sigmoidJs(l); return s - p * Math.log(p) - (1 - p) * Math.log(1 - p); }, 0);
    expect(d.entropy().item()).toBeCloseTo(h, 12);
    const q = [0.3, -0.4, 1];
    const kl = L.reduce((s, l, j) => { const a = sigmoidJs(l), b = sigmoidJs(q[j]); return s + a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b)); }, 0);
    expect(d.kl(new Bernoulli(tensor(q, [1, 3]))).item()).toBeCloseTo(kl, 12);
  });

  it('the same key gives the same sample', () => {
    const d = new Bernoulli(tensor(L, [1, 3]));
    expect(Array.from(d.sample(key(7)).data())).toEqual(Array.from(d.sample(key(7)).data()));
  });
});
