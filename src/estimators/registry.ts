// Estimators by name. Each estimator file exports a descriptor (name, summary, the options it reads,
// unbiasedness, cost, supported latent kinds, create); the registry maps names to descriptors and
// knows nothing of any paper. Adding an estimator = one file + one line in BUILT_IN.
import { ArgumentError } from '../errors.js';
import { armEstimator } from './arm.js';
import { darnEstimator } from './darn.js';
import { decoupledStEstimator } from './decoupled_st.js';
import { disarmEstimator } from './disarm.js';
import { doubleCvEstimator } from './double_cv.js';
import type { Estimator, LatentSpec } from './estimator.js';
import { gstEstimator } from './gst.js';
import { gumbelRaoEstimator } from './gumbel_rao.js';
import { gumbelSoftmaxEstimator } from './gumbel_softmax.js';
import { mupropEstimator } from './muprop.js';
import { rebarEstimator } from './rebar.js';
import { reinmaxEstimator } from './reinmax.js';
import { relaxEstimator } from './relax.js';
import { rlooEstimator } from './rloo.js';
import { sfEstimator } from './sf.js';
import { slopeStEstimator } from './slope_st.js';
import { stEstimator } from './st.js';
import { stGumbelSoftmaxEstimator } from './st_gumbel_softmax.js';
import { vimcoEstimator } from './vimco.js';
import { zgrEstimator } from './zgr.js';

/** An option of the estimator's own: a number in [min, max] (integer if so marked) or an on/off flag. */
export interface OptionSpec {
  /** Property of createEstimator's options, e.g. 'samples'. */
  key: string;
  help: string;
  default: number | boolean;
  min?: number;
  max?: number;
  integer?: boolean;
}

/** Options as createEstimator takes them: declared keys only (numbers, flags; sf also a `baseline` object). */
export type CreateOptions = Record<string, unknown>;

/** What the caller knows of the model, for estimators that need it (not options: the run fixes them). */
export interface CreateContext {
  /** Width of the input x the caller passes to objective(): an input-dependent baseline (sf's NVIL) reads it. */
  inputDim?: number;
}

export interface EstimatorDescriptor {
  name: string;
  /** One line for --help. */
  summary: string;
  /** The per-step options of EstimatorOptions it reads (scheduled by the caller). */
  reads: readonly ('tau' | 'slope')[];
  /** The smallest temperature it is defined for (ReinMax: 1); the caller's schedule must stay above it. */
  minTau?: number;
  /** Its own options, fixed at creation. */
  options: readonly OptionSpec[];
  /** Library-only options taking objects (not CLI flags), e.g. sf's `baseline`. */
  objectOptions?: readonly string[];
  /** Unbiased for the discrete objective: E[f], or the K-sample bound where boundSamples says K. */
  unbiased: boolean;
  /** K when it estimates the gradient of the K-sample bound E[−log mean_k exp(−f_k)] (VIMCO) instead of E[f]. */
  boundSamples?(opts: Readonly<Record<string, number | boolean>>): number;
  /**
   * It needs f to be a one-sample log-weight, −log p(x, z) + log q(z|x) at the discrete z, rather than
   * a −ELBO with an analytic KL: a model with a closed-form KL (the VAE) then puts it into f sampled.
   * VIMCO's bound is made of log-weights; SF's variance normalisation must scale the encoder's whole
   * gradient, which it only does when the KL is inside the learning signal (models/vae.ts).
   */
  logWeight?: boolean;
  /** Decoder evaluations (runs of the pass) per step, given its options and the pass's stochastic layers. */
  evaluations(opts: Readonly<Record<string, number | boolean>>, layers: number): number;
  /** Latent kinds it is defined for; any other layer is an ArgumentError naming these. */
  latents: readonly LatentSpec['kind'][];
  /** Makes one; `opts` holds every declared option, defaults filled in. */
  create(opts: Record<string, unknown>, context: CreateContext): Estimator;
}

const BUILT_IN: readonly EstimatorDescriptor[] = [
  sfEstimator, darnEstimator, mupropEstimator, stEstimator, slopeStEstimator, gumbelSoftmaxEstimator, stGumbelSoftmaxEstimator,
  rlooEstimator, armEstimator, disarmEstimator,
  reinmaxEstimator, zgrEstimator, gstEstimator, decoupledStEstimator, gumbelRaoEstimator,
  vimcoEstimator,
  rebarEstimator, relaxEstimator, doubleCvEstimator,
];

const registry = new Map<string, EstimatorDescriptor>(BUILT_IN.map((d) => [d.name, d]));
const names = BUILT_IN.map((d) => d.name);

/** Every registered name, built-ins first in registration order; registerEstimator appends (a live view). */
export const ESTIMATOR_NAMES: readonly string[] = names;
export type EstimatorName = string;

/** A copy of every registered name. */
export const estimatorNames = (): string[] => [...names];

/** Adds an estimator (a test's toy, a user's own); its name must be new. */
export function registerEstimator(d: EstimatorDescriptor): void {
  if (!/^[a-z][a-z0-9_]*$/.test(d?.name ?? '')) throw new ArgumentError(`registerEstimator: name must be lower-case letters, digits and _, found '${d?.name}'`);
  if (registry.has(d.name)) throw new ArgumentError(`registerEstimator: name must be new, found '${d.name}' already registered`);
  if (!d.latents?.length) throw new ArgumentError(`registerEstimator: latents must list at least one kind, found none for '${d.name}'`);
  registry.set(d.name, d);
  names.push(d.name);
}

export function estimatorDescriptor(name: string): EstimatorDescriptor {
  const d = registry.get(name);
  if (!d) throw new ArgumentError(`createEstimator: name must be one of ${estimatorNames().join(', ')}, found '${String(name)}'`);
  return d;
}

/** opts checked against the descriptor (unknown keys, types, ranges) with defaults filled in. */
export function resolveOptions(d: EstimatorDescriptor, opts: CreateOptions = {}): Record<string, unknown> {
  const known = new Set([...d.options.map((o) => o.key), ...(d.objectOptions ?? [])]);
  const extra = Object.keys(opts).filter((k) => opts[k] !== undefined && !known.has(k));
  if (extra.length) throw new ArgumentError(`createEstimator: '${d.name}' takes ${known.size ? [...known].join(', ') : 'no options'}, found ${extra.join(', ')}`);
  const out: Record<string, unknown> = { ...opts };
  for (const o of d.options) {
    const v = opts[o.key] ?? o.default;
    const flag = typeof o.default === 'boolean';
    const ok = flag ? typeof v === 'boolean'
      : typeof v === 'number' && Number.isFinite(v) && (!o.integer || Number.isInteger(v)) && v >= (o.min ?? -Infinity) && v <= (o.max ?? Infinity);
    if (!ok) {
      const want = flag ? 'true or false' : `${o.integer ? 'an integer' : 'a finite number'} in [${o.min ?? '−∞'}, ${o.max ?? '∞'}]`;
      throw new ArgumentError(`${d.name}: ${o.key} must be ${want}, found ${String(v)}`);
    }
    out[o.key] = v;
  }
  return out;
}

/** Every pass the estimator drives has its stochastic layers checked against d.latents (one place for all estimators). */
function guardLatents(d: EstimatorDescriptor, e: Estimator): Estimator {
  if (d.latents.includes('bernoulli') && d.latents.includes('categorical')) return e;
  const objective = e.objective.bind(e);
  const guarded: Estimator = Object.create(e);
  guarded.objective = (pass, key, opts, x) =>
    objective((latent) => pass((logits, spec) => {
      if (!d.latents.includes(spec?.kind)) throw new ArgumentError(`${d.name}: supports ${d.latents.join(' and ')} latents only, found a ${spec?.kind} layer`);
      return latent(logits, spec);
    }), key, opts, x);
  return guarded;
}

export function createEstimator(name: EstimatorName, opts: CreateOptions = {}, context: CreateContext = {}): Estimator {
  const d = estimatorDescriptor(name);
  return guardLatents(d, d.create(resolveOptions(d, opts), context));
}
