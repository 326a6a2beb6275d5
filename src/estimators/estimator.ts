// The one interface between models and gradient estimators.
//
// A model exposes a *pass*: its forward computation as a function of how each stochastic layer is
// handled. Wherever the model has a stochastic layer it calls `latent(logits, spec)` and feeds the
// returned tensor downstream; the pass returns the per-example loss f [B] (e.g. −ELBO or NLL).
// An estimator drives the pass as often as it needs:
// - pathwise estimators (gumbel_softmax, st_gumbel_softmax, st, slope_st) run it once and return a
//   `latent` whose output carries their custom gradient;
// - score-function estimators (sf, darn) run it once with discrete samples and add
//   SG(learning signal)·log p(z) terms; darn also needs ∂f/∂z at the sample;
// - muprop runs a deterministic mean-field pass first (latent returns the mean), takes ∂f/∂z̄ there,
//   then the stochastic pass, and forms MuProp's Algorithm 1 surrogate.
// The surrogate is a scalar whose gradient with respect to the parameters is the estimator's
// gradient of E[mean_b f_b]; `loss` is the plain mean of f for reporting.
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';

/** A stochastic layer: Bernoulli units (one logit each) or categorical variables of k classes
 *  laid out as consecutive groups of k along the last axis ([B, n·k]). */
export type LatentSpec = { kind: 'bernoulli' } | { kind: 'categorical'; k: number };

/** How a pass obtains the value of a stochastic layer from its logits. */
export type Latent = (logits: Tensor, spec: LatentSpec) => Tensor;

/** A model's forward computation for one batch; returns f, the per-example loss [B]. */
export type Pass = (latent: Latent) => Tensor;

/** The per-step (scheduled) options; an estimator's own options are fixed by createEstimator. */
export interface EstimatorOptions {
  /** Temperature of the relaxation (gumbel_softmax, st_gumbel_softmax, ...). */
  tau: number;
  /** Slope of the annealed straight-through estimator (slope_st). */
  slope: number;
}

export interface Objective {
  /** mean_b f_b, for reporting (no gradient needed). */
  loss: Tensor;
  /** The scalar to differentiate. */
  surrogate: Tensor;
}

export interface Estimator {
  readonly name: string;
  /** Unbiased for the discrete objective (sf, muprop, rloo, arm, disarm) or not (the rest). */
  readonly unbiased: boolean;
  /**
   * Runs the pass(es) and builds the surrogate. `x` is the model's input batch [B, D]: an
   * input-dependent baseline (NVIL) reads it; its squared-error loss is part of the surrogate.
   */
  objective(pass: Pass, key: Key, opts: EstimatorOptions, x?: Tensor): Objective;
  /** The estimator's own trainable parameters (an input-dependent baseline network), if any. */
  params(): Tensor[];
  /** Moving averages and the like, for checkpoints: plain numbers only. */
  state(): Record<string, number>;
  loadState(s: Record<string, number>): void;
}

// Names come from the registry (registry.ts); re-exported here for older imports.
export { ESTIMATOR_NAMES, type EstimatorName } from './registry.js';
