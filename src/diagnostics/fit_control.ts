// Trains an estimator's own parameters (REBAR's η and λ, RELAX's control network) on a diagnostic
// problem with θ held fixed: each step runs the estimator's objective on a fresh batch and moves
// params() with Adam along the surrogate's gradient for them, which for these estimators is the
// variance gradient ∂E‖ĝ‖²/∂φ. gradientStats before and after then shows what the training bought.
import { grad } from '../autograd/tape.js';
import { getBackend, step } from '../engine.js';
import { checkNumber } from '../errors.js';
import type { Estimator, EstimatorOptions } from '../estimators/estimator.js';
import { add, variable, zeros } from '../ops.js';
import { Adam } from '../optim/optimizer.js';
import { foldIn, key as makeKey, type Key } from '../random/key.js';
import type { Problem } from './gradient_stats.js';

export interface FitOptions {
  steps: number;
  /** Rows per step (default 100). */
  batch?: number;
  /** Adam's learning rate (default 0.01). */
  lr?: number;
  key?: Key;
  opts?: EstimatorOptions;
}

export function fitEstimatorParams(estimator: Estimator, problem: Problem, options: FitOptions): void {
  const steps = checkNumber('fitEstimatorParams', 'steps', options.steps, { integer: true, nonNegative: true });
  const batch = checkNumber('fitEstimatorParams', 'batch', options.batch ?? 100, { integer: true, positive: true });
  const be = getBackend(), key = options.key ?? makeKey(1), phi = estimator.params();
  const theta = problem.params.map((p) => variable(p, [p.length], be));
  const adam = new Adam(options.lr ?? 0.01);
  for (let t = 0; t < steps; t++) {
    step(() => {
      const rows = theta.map((p) => add(zeros([batch, p.size], { backend: be }), p));
      const { surrogate } = estimator.objective(problem.pass(rows), foldIn(key, t), options.opts ?? { tau: 1, slope: 1 });
      adam.step(phi, grad(surrogate, phi));
    }, be);
  }
  for (const p of theta) be.free(p.buf);
}
