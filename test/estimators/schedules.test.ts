// The temperature and slope schedules (src/train/schedules.ts): pure functions of the step and a
// plain-data config, with the paper's constants.
import { describe, expect, it } from 'vitest';
import { FIXED_TAU, PAPER_SLOPE, SSL_TAU, VAE_TAU_GRID, epochAt, slopeAt, tauAt } from '../../src/train/schedules.js';

describe('tauAt: τ = max(floor, exp(−r·N·⌊t/N⌋))', () => {
  const s = { rate: 1e-4, every: 1000, floor: 0.5 };

  it('starts at 1, holds for N steps, then steps down to the floor', () => {
    expect(tauAt(0, s)).toBe(1);
    expect(tauAt(999, s)).toBe(1);
    expect(tauAt(1000, s)).toBeCloseTo(Math.exp(-0.1), 15);
    expect(tauAt(2500, s)).toBeCloseTo(Math.exp(-0.2), 15);
    expect(tauAt(7000, s)).toBe(0.5); // exp(−0.7) < 0.5
    expect(tauAt(10 ** 9, s)).toBe(0.5);
    for (let t = 1; t < 10000; t += 97) expect(tauAt(t, s)).toBeLessThanOrEqual(tauAt(t - 1, s));
  });

  it("has the paper's schedules", () => {
    expect(tauAt(123456, FIXED_TAU)).toBe(1);
    expect(tauAt(4000, SSL_TAU)).toBeCloseTo(Math.exp(-3e-5 * 4000), 15);
    expect(tauAt(3999, SSL_TAU)).toBeCloseTo(Math.exp(-3e-5 * 2000), 15);
    expect(VAE_TAU_GRID.map((g) => [g.rate, g.every])).toEqual([[1e-5, 500], [1e-5, 1000], [1e-4, 500], [1e-4, 1000]]);
  });

  it('is a pure function of (t, config): a JSON round trip of the config gives the same τ', () => {
    const copy = JSON.parse(JSON.stringify(s));
    for (const t of [0, 1, 999, 1000, 54321]) expect(tauAt(t, copy)).toBe(tauAt(t, s));
  });

  it('rejects bad steps and configs, naming the argument', () => {
    expect(() => tauAt(-1, s)).toThrow(/t must be/);
    expect(() => tauAt(1.5, s)).toThrow(/t must be/);
    expect(() => tauAt(0, { ...s, every: 0 })).toThrow(/every/);
    expect(() => tauAt(0, { ...s, floor: 0 })).toThrow(/floor/);
  });
});

describe('slopeAt: a = min(5, 1 + 0.04·epoch)', () => {
  it('rises linearly from 1 and stops at 5', () => {
    expect(slopeAt(0)).toBe(1);
    expect(slopeAt(25)).toBeCloseTo(2, 15);
    expect(slopeAt(100)).toBe(5);
    expect(slopeAt(1000, PAPER_SLOPE)).toBe(5);
    expect(() => slopeAt(-1)).toThrow(/epoch/);
    expect(() => slopeAt(0, { start: 2, rate: 0.1, max: 1 })).toThrow(/max/);
  });

  it('counts whole epochs: 500 steps of 100 over 50,000 examples is one', () => {
    expect(epochAt(499, 100, 50000)).toBe(0);
    expect(epochAt(500, 100, 50000)).toBe(1);
    expect(slopeAt(epochAt(12500, 100, 50000))).toBeCloseTo(2, 15);
  });
});
