// Driving a model's pass: one key per stochastic layer (call order), the straight-through
// arithmetic, probes for ∂f/∂z, and the objective's shape. Every estimator builds on these.
import { discrete } from '../distributions/index.js';
import { ArgumentError, ShapeError, checkNumber, fmtShape } from '../errors.js';
import { add, log, mean, mul, reshape, scale, sigmoid, softmax, stopGradient, sub, zeros } from '../ops.js';
import { foldIn, type Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import type { Estimator, EstimatorOptions, Latent, LatentSpec, Objective, Pass } from './estimator.js';

/** The key of the i-th stochastic layer a pass reaches (call order), so every estimator given one key draws the same z. */
export const layerKey = (key: Key, i: number): Key => foldIn(key, i);

function checkSpec(spec: LatentSpec): LatentSpec {
  if (spec?.kind === 'bernoulli') return spec;
  if (spec?.kind === 'categorical') {
    checkNumber('latent', 'spec.k', spec.k, { integer: true, positive: true });
    return spec;
  }
  throw new ArgumentError(`latent: spec.kind must be 'bernoulli' or 'categorical', found ${JSON.stringify(spec)}`);
}

/** Runs the pass, handing each stochastic layer to `handle` with its call index; returns f [B]. */
export function drive(pass: Pass, handle: (logits: Tensor, spec: LatentSpec, i: number) => Tensor): Tensor {
  let i = 0;
  const latent: Latent = (logits, spec) => handle(logits, checkSpec(spec), i++);
  const f = pass(latent);
  if (f.rank !== 1) throw new ShapeError(`estimator: the pass must return f per example, [B], found ${fmtShape(f.shape)}`);
  return f;
}

/** Forward `hard`, backward through `soft`: (hard − SG(soft)) + soft, exact in the forward ((1 − a) + a = 1: numerics P8). */
export function straightThrough(hard: Tensor, soft: Tensor): Tensor {
  return add(sub(hard, stopGradient(soft)), soft);
}

/** t + 0 where the 0 is a leaf wanting a gradient: grad(f, [leaf]) is then ∂f/∂t through every later path. */
export function probe(t: Tensor): { value: Tensor; leaf: Tensor } {
  const leaf = zeros(t.shape, { backend: t.backend });
  leaf.requiresGrad = true;
  return { value: add(t, leaf), leaf };
}

/** loss = mean_b f_b (reporting); surrogate = mean_b f_b + the estimator's extra terms. */
export function objectiveOf(f: Tensor, extra?: Tensor): Objective {
  const m = mean(f);
  return { loss: stopGradient(m), surrogate: extra ? add(m, extra) : m };
}

/** Σ of a list of same-shaped tensors (null when empty). */
export function addAll(ts: Tensor[]): Tensor | null {
  return ts.length ? ts.reduce((a, b) => add(a, b)) : null;
}

/** An estimator with no parameters and no state: just its objective. */
export function stateless(name: string, unbiased: boolean, objective: Estimator['objective']): Estimator {
  return { name, unbiased, objective, params: () => [], state: () => ({}), loadState: () => {} };
}

/** An estimator whose only work is the value each stochastic layer takes (one pass, no state). */
export function pathwise(name: string, value: (logits: Tensor, spec: LatentSpec, key: Key, opts: EstimatorOptions) => Tensor): Estimator {
  return stateless(name, false, (pass, key, opts) => objectiveOf(drive(pass, (logits, spec, i) => value(logits, spec, layerKey(key, i), opts))));
}

/**
 * K runs of the pass, each on its own independent draw of every stochastic layer (run 0 uses `key`
 * itself, as single-sample estimators do): f and Σ_layers log q(z) per run (null without layers).
 */
export function sampleRuns(pass: Pass, key: Key, runs: number): { f: Tensor; logq: Tensor | null }[] {
  return Array.from({ length: runs }, (_, s) => {
    const logq: Tensor[] = [];
    const f = drive(pass, (logits, spec, i) => {
      const d = discrete(logits, spec), z = d.sample(layerKey(s ? foldIn(key, (1 << 20) | s) : key, i));
      logq.push(d.logProb(z));
      return z;
    });
    return { f, logq: addAll(logq) };
  });
}

/** Forward exactly `hard` (hard + (s − s) with s − s = 0 in floating point), backward through `soft` of any range. */
export function withGradientOf(hard: Tensor, soft: Tensor): Tensor {
  return add(hard, sub(soft, stopGradient(soft)));
}

/** softmax (σ for Bernoulli) evaluated at the constant point p, with the logits' gradient: the VJP is J(p)ᵀg, J(p) = diag(p) − ppᵀ (p(1 − p)). */
export function jacobianAt(logits: Tensor, p: Tensor, spec: LatentSpec): Tensor {
  const at = (point: Tensor) => add(logits, stopGradient(sub(point, logits)));
  return spec.kind === 'bernoulli' ? sigmoid(at(sub(log(p), log(scale(p, -1, 1))))) : softmax(at(log(p)), spec.k);
}

/** x [B, n·k] times v [B, n], each v value applied to its variable's k entries (k = 1: elementwise). */
export function timesPerVariable(x: Tensor, v: Tensor, spec: LatentSpec): Tensor {
  if (spec.kind === 'bernoulli') return mul(x, v);
  const [b, n] = v.shape;
  return reshape(mul(reshape(x, [b, n, spec.k]), reshape(v, [b, n, 1])), x.shape);
}
