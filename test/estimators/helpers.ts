// Shared pieces of the estimator tests: small problems with known answers, and assertions on
// gradient statistics from src/diagnostics.
import { expect } from 'vitest';
import { type GradientStats, type Problem, singleLayer } from '../../src/diagnostics/gradient_stats.js';
import type { LatentSpec } from '../../src/estimators/estimator.js';
import { linear, mul, reshape, scale, square, sum, tensor } from '../../src/ops.js';
import type { Tensor } from '../../src/tensor.js';

export const BERN: LatentSpec = { kind: 'bernoulli' };
export const CAT4: LatentSpec = { kind: 'categorical', k: 4 };

/** wᵀz per example. */
export function dot(z: Tensor, w: readonly number[]): Tensor {
  return reshape(linear(z, tensor(w, [w.length, 1], { backend: z.backend })), [z.shape[0]]);
}

export const linearProblem = (spec: LatentSpec, theta: number[], w: number[]): Problem => singleLayer('linear', spec, theta, (z) => dot(z, w));
/** f = (wᵀz − t)². */
export const quadraticProblem = (spec: LatentSpec, theta: number[], w: number[], t: number): Problem =>
  singleLayer('quadratic', spec, theta, (z) => square(scale(dot(z, w), 1, -t)));
/** f = Σ_j c_j z_j³ (on {0, 1} the same as Σ c_j z_j, but with derivative 3c_j z_j²). */
export const cubicProblem = (theta: number[], c: number[]): Problem =>
  singleLayer('cubic', BERN, theta, (z) => sum(mul(mul(mul(z, z), z), tensor(c, [c.length], { backend: z.backend })), -1));

/** Every coordinate of the mean within `k` standard errors of `want` (or within 1e-9 where the variance is 0). */
export function expectMeanNear(s: GradientStats, want: ArrayLike<number>, k = 4): void {
  for (let j = 0; j < s.mean.length; j++) {
    const tol = Math.max(k * s.stderr[j], 1e-9 * (1 + Math.abs(want[j])));
    expect(Math.abs(s.mean[j] - want[j]), `${s.estimator} on ${s.problem}, coordinate ${j}: mean ${s.mean[j]} vs ${want[j]} (se ${s.stderr[j]})`).toBeLessThanOrEqual(tol);
  }
}

/** Some coordinate's mean is more than `k` standard errors from the exact gradient: a bias the test can see. */
export function expectBiased(s: GradientStats, k = 8): void {
  const z = Array.from(s.bias, (b, j) => Math.abs(b) / Math.max(s.stderr[j], 1e-12));
  expect(Math.max(...z), `${s.estimator} on ${s.problem}: largest |bias|/se`).toBeGreaterThan(k);
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
export function softmax(l: readonly number[]): number[] {
  const m = Math.max(...l), e = l.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
/** Jᵀg for the softmax Jacobian at p: p ⊙ (g − ⟨g, p⟩). */
export function softmaxVjp(p: readonly number[], g: readonly number[]): number[] {
  const dot = p.reduce((s, v, j) => s + v * g[j], 0);
  return p.map((v, j) => v * (g[j] - dot));
}
