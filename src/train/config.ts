// A training run's configuration: every choice that changes the numbers, with the defaults of
// DESIGN.md (Adam 1e−3, batch 100; VAE τ = max(0.5, exp(−1e−4·N·⌊t/N⌋)) with N = 1000; SBN τ = 1;
// learned prior; m = 1000; seed 1), validated with one-line messages. Defaults and ranges are
// declared once, in options.ts.
import type { TfjsBackendName } from '../backends/tfjs/names.js';
import { ArgumentError } from '../errors.js';
import type { EstimatorName } from '../estimators/estimator.js';
import { checkOptions, trainOptions } from './options.js';
import { estimatorDescriptor, resolveOptions } from '../estimators/registry.js';
import { epochAt, slopeAt as scheduleSlope, tauAt as scheduleTau } from './schedules.js';
import { MODEL_NAMES, type ModelName } from '../models/index.js';
import type { LatentKind, PriorKind } from '../models/index.js';

export type OptimizerName = 'sgd' | 'adam';
import type { BackendName } from '../backends/open.js';

export type { BackendName };

export interface TrainConfig {
  model: ModelName;
  latent: LatentKind;
  estimator: EstimatorName;
  /** Total optimizer steps. */
  steps: number;
  batch: number;
  optimizer: OptimizerName;
  lr: number;
  /** SGD only. */
  momentum: number;
  /** Fixed temperature; null: the annealing schedule below. */
  tau: number | null;
  /** τ = max(tauMin, exp(−tauRate·tauEvery·⌊t/tauEvery⌋)). */
  tauRate: number;
  tauEvery: number;
  tauMin: number;
  /** Bernoulli units per stochastic layer (the paper: 200). */
  units: number;
  /** Categorical variables per stochastic layer, of `classes` classes (the paper: 20 × 10). */
  vars: number;
  classes: number;
  /** VAE only. */
  prior: PriorKind;
  /** VAE only: deterministic ReLU hidden layers (the decoder mirrors them). */
  hidden: number[];
  /** m of the final evaluation (and of `gumbel eval` unless given). */
  evalSamples: number;
  /** Validate (and checkpoint) every this many steps; 0: only at the end. */
  evalEvery: number;
  /** m of the periodic validation. */
  validSamples: number;
  /** Examples of the periodic validation (the first ones of the validation split); 0: all. */
  validSize: number;
  /** Use only the first trainSize / testSize examples (0: all): quick runs and tests. */
  trainSize: number;
  testSize: number;
  /** A metrics line every this many steps. */
  logEvery: number;
  seed: number;
  backend: BackendName;
  /** With backend 'tfjs': which tfjs backend runs the kernels (default 'wasm'). */
  tfjsBackend: TfjsBackendName;
  /** With backend 'tfjs': draw noise with tfjs's own generator instead of our Philox (faster on a GPU; not the same numbers). */
  tfjsNativeRng: boolean;
  /** wasm threads for large matrix products (results are bitwise the same for any count); 0: one per core, up to 4. */
  threads: number;
  /** An MNIST-shaped data directory; null: the bundled MNIST. */
  dataDir: string | null;
  /** The estimator's own options (its registry descriptor's), by key; {}: its defaults. */
  estimatorOptions: Record<string, number | boolean>;
}

export { DEFAULT_STEPS } from './options.js';

/** The defaults of options.ts for `model`; SBN ⇒ τ = 1 (the SBN trains with a fixed temperature). */
export function defaultConfig(model: ModelName = 'vae'): TrainConfig {
  const c: Record<string, unknown> = { model, estimatorOptions: {} };
  // Every sbn/vae field, also the other model's (its neutral default, e.g. no hidden layers on the SBN).
  for (const o of trainOptions()) {
    if (!o.estimator && (o.models.includes('sbn') || o.models.includes('vae'))) c[o.key] = Array.isArray(o.default) ? [...o.default] : o.default;
  }
  c.tau = model === 'sbn' ? 1 : null;
  return c as unknown as TrainConfig;
}

/** Checks every field (ranges from options.ts); the message names the option as the CLI spells it. */
export function validateConfig(c: TrainConfig): TrainConfig {
  if (!(MODEL_NAMES as readonly string[]).includes(c.model)) throw new ArgumentError(`model must be one of ${MODEL_NAMES.join(', ')}, found '${String(c.model)}'`);
  checkOptions(c, c.model);
  if (c.model === 'sbn' && c.hidden.length) throw new ArgumentError('--hidden is a VAE option; the SBN has no deterministic layers');
  if (c.model === 'sbn' && c.prior !== 'learned') throw new ArgumentError('--prior is a VAE option; the SBN has no prior');
  if (c.backend !== 'tfjs' && (c.tfjsBackend !== 'wasm' || c.tfjsNativeRng)) {
    throw new ArgumentError(`--tfjs-backend / --tfjs-native-rng must be used with --backend tfjs, found '--backend ${c.backend}'`);
  }
  checkEstimator(c);
  return c;
}

/** The estimator fits the run: it supports the latent kind, the temperatures the schedule reaches and the options given. */
function checkEstimator(c: TrainConfig): void {
  const d = estimatorDescriptor(c.estimator);
  if (!d.latents.includes(c.latent)) throw new ArgumentError(`--estimator ${d.name} supports ${d.latents.join(' and ')} latents only, found --latent ${c.latent}`);
  const lowest = c.tau ?? c.tauMin;
  if (d.minTau !== undefined && lowest < d.minTau) {
    throw new ArgumentError(`--estimator ${d.name} needs τ >= ${d.minTau}, found ${c.tau !== null ? `--tau ${c.tau}` : `a schedule down to --tau-min ${c.tauMin}`}`);
  }
  const eo = c.estimatorOptions;
  if (typeof eo !== 'object' || eo === null || Array.isArray(eo)) throw new ArgumentError(`estimatorOptions must be an object, found ${JSON.stringify(eo)}`);
  const own = new Set(d.options.map((o) => o.key));
  const foreign = Object.keys(eo).find((k) => !own.has(k));
  if (foreign) {
    const flag = `--${foreign.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`;
    throw new ArgumentError(`${flag} is not an option of --estimator ${d.name} (its options: ${own.size ? [...own].join(', ') : 'none'})`);
  }
  resolveOptions(d, eo);
}

/** The temperature at step t: fixed (--tau), or the paper's stepwise annealing (schedules.ts). */
export function tauAt(c: Pick<TrainConfig, 'tau' | 'tauRate' | 'tauEvery' | 'tauMin'>, t: number): number {
  if (c.tau !== null) return c.tau;
  return scheduleTau(t, { rate: c.tauRate, every: c.tauEvery, floor: c.tauMin });
}

/** Slope of slope-annealed ST after t steps: a = min(5, 1 + 0.04·epoch) (Chung et al. 2016), whole epochs of the training set. */
export function slopeAt(t: number, batch: number, examples: number): number {
  return scheduleSlope(epochAt(t, batch, examples));
}
