// A training run's configuration: every choice that changes the numbers, with the defaults of
// DESIGN.md (Adam 1e−3, batch 100; VAE τ = max(0.5, exp(−1e−4·N·⌊t/N⌋)) with N = 1000; SBN τ = 1;
// learned prior; m = 1000; seed 1), validated with one-line messages.
import { TFJS_BACKENDS, type TfjsBackendName } from '../backends/tfjs/names.js';
import { ArgumentError } from '../errors.js';
import { ESTIMATOR_NAMES, type EstimatorName } from '../estimators/estimator.js';
import { epochAt, slopeAt as scheduleSlope, tauAt as scheduleTau } from './schedules.js';
import { LATENT_KINDS, MODEL_NAMES, type ModelName } from '../models/index.js';
import type { LatentKind, PriorKind } from '../models/index.js';

export type OptimizerName = 'sgd' | 'adam';
export type BackendName = 'wasm' | 'ref' | 'tfjs';

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
}

/** Steps of the default run: a few minutes for the categorical VAE on two cores. */
export const DEFAULT_STEPS = 10_000;

export function defaultConfig(model: ModelName = 'vae'): TrainConfig {
  return {
    model,
    latent: 'categorical',
    estimator: 'gumbel_softmax',
    steps: DEFAULT_STEPS,
    batch: 100,
    optimizer: 'adam',
    lr: 1e-3,
    momentum: 0.9,
    tau: model === 'sbn' ? 1 : null,
    tauRate: 1e-4,
    tauEvery: 1000,
    tauMin: 0.5,
    units: 200,
    vars: 20,
    classes: 10,
    prior: 'learned',
    hidden: [],
    evalSamples: 1000,
    evalEvery: 1000,
    validSamples: 100,
    validSize: 1000,
    trainSize: 0,
    testSize: 0,
    logEvery: 100,
    seed: 1,
    backend: 'wasm',
    tfjsBackend: 'wasm',
    tfjsNativeRng: false,
    threads: 0,
    dataDir: null,
  };
}

const bad = (name: string, want: string, found: unknown) =>
  new ArgumentError(`${name} must be ${want}, found ${typeof found === 'string' ? `'${found}'` : JSON.stringify(found)}`);

function oneOf<T extends string>(name: string, v: unknown, options: readonly T[]): T {
  if (!options.includes(v as T)) throw bad(name, `one of ${options.join(', ')}`, v);
  return v as T;
}

function int(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw bad(name, `an integer >= ${min}`, v);
  return v;
}

function positive(name: string, v: unknown, orZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!orZero && v === 0)) throw bad(name, `a finite number ${orZero ? '>= 0' : '> 0'}`, v);
  return v;
}

/** Checks every field; the message names the option as the CLI spells it. */
export function validateConfig(c: TrainConfig): TrainConfig {
  oneOf('model', c.model, MODEL_NAMES);
  oneOf('--latent', c.latent, LATENT_KINDS);
  oneOf('--estimator', c.estimator, ESTIMATOR_NAMES);
  int('--steps', c.steps, 0);
  int('--batch', c.batch, 1);
  oneOf('--optimizer', c.optimizer, ['sgd', 'adam'] as const);
  positive('--lr', c.lr);
  positive('--momentum', c.momentum, true);
  if (c.momentum >= 1) throw bad('--momentum', 'in [0, 1)', c.momentum);
  if (c.tau !== null) positive('--tau', c.tau);
  positive('--tau-rate', c.tauRate, true);
  int('--tau-every', c.tauEvery, 1);
  positive('--tau-min', c.tauMin);
  int('--units', c.units, 1);
  int('--vars', c.vars, 1);
  int('--classes', c.classes, 2);
  oneOf('--prior', c.prior, ['learned', 'uniform'] as const);
  if (!Array.isArray(c.hidden)) throw bad('--hidden', 'a list of layer sizes like 512,256', c.hidden);
  for (const h of c.hidden) int('--hidden', h, 1);
  if (c.model === 'sbn' && c.hidden.length) throw new ArgumentError('--hidden is a VAE option; the SBN has no deterministic layers');
  if (c.model === 'sbn' && c.prior !== 'learned') throw new ArgumentError('--prior is a VAE option; the SBN has no prior');
  int('--eval-samples', c.evalSamples, 1);
  int('--eval-every', c.evalEvery, 0);
  int('--valid-samples', c.validSamples, 1);
  int('--valid-size', c.validSize, 0);
  int('--train-size', c.trainSize, 0);
  int('--test-size', c.testSize, 0);
  int('--log-every', c.logEvery, 1);
  int('--seed', c.seed, 0);
  oneOf('--backend', c.backend, ['wasm', 'ref', 'tfjs'] as const);
  oneOf('--tfjs-backend', c.tfjsBackend, TFJS_BACKENDS);
  if (typeof c.tfjsNativeRng !== 'boolean') throw bad('--tfjs-native-rng', 'true or false', c.tfjsNativeRng);
  if (c.backend !== 'tfjs' && (c.tfjsBackend !== 'wasm' || c.tfjsNativeRng)) throw bad('--tfjs-backend / --tfjs-native-rng', 'used with --backend tfjs', `--backend ${c.backend}`);
  int('--threads', c.threads, 0);
  if (c.dataDir !== null && typeof c.dataDir !== 'string') throw bad('--data-dir', 'a directory', c.dataDir);
  return c;
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
