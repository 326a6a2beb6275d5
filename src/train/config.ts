// A training run's configuration: every choice that changes the numbers, with the defaults of
// DESIGN.md (Adam 1e−3, batch 100; VAE τ = max(0.5, exp(−1e−4·N·⌊t/N⌋)) with N = 1000; SBN τ = 1;
// learned prior; m = 1000; seed 1), nested by concern and validated with one-line messages where it
// enters (CLI, runTraining / Trainer, a checkpoint being loaded). Defaults, ranges and each field's
// section are declared once, in options.ts; savedConfig reads the flat configs of older runs.
import type { TfjsBackendName } from '../backends/tfjs/names.js';
import { ArgumentError } from '../errors.js';
import type { EstimatorName } from '../estimators/estimator.js';
import { checkOptions, nestConfig, setOption, trainOptions } from './options.js';
import { estimatorDescriptor, resolveOptions } from '../estimators/registry.js';
import { epochAt, slopeAt as scheduleSlope, tauAt as scheduleTau } from './schedules.js';
import { MODEL_NAMES, type ModelName } from '../models/index.js';
import type { LatentKind, PriorKind } from '../models/index.js';

export type OptimizerName = 'sgd' | 'adam';
import type { BackendName } from '../backends/open.js';

export type { BackendName };

/** A training run's configuration, by concern; the fields are the option table's (options.ts). */
export interface TrainConfig {
  model: ModelConfig;
  estimator: EstimatorConfig;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  evaluation: EvaluationConfig;
  runtime: RuntimeConfig;
}

export interface ModelConfig {
  name: ModelName;
  latent: LatentKind;
  /** Bernoulli units per stochastic layer (the paper: 200). */
  units: number;
  /** Categorical variables per stochastic layer, of `classes` classes (the paper: 20 × 10). */
  vars: number;
  classes: number;
  /** VAE only. */
  prior: PriorKind;
  /** VAE only: deterministic ReLU hidden layers (the decoder mirrors them). */
  hidden: number[];
}

export interface EstimatorConfig {
  /** A registry name (src/estimators/registry.ts). */
  name: EstimatorName;
  /** Its own options (its registry descriptor's), by key; {}: its defaults. */
  options: Record<string, number | boolean>;
}

export interface OptimizerConfig {
  name: OptimizerName;
  /** Total optimizer steps. */
  steps: number;
  batch: number;
  lr: number;
  /** SGD only. */
  momentum: number;
  seed: number;
}

export interface ScheduleConfig {
  /** Fixed temperature; null: the annealing schedule below. */
  tau: number | null;
  /** τ = max(tauMin, exp(−tauRate·tauEvery·⌊t/tauEvery⌋)). */
  tauRate: number;
  tauEvery: number;
  tauMin: number;
}

export interface EvaluationConfig {
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
}

export interface RuntimeConfig {
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

/** Partial sections, for overriding a config: `{ optimizer: { steps: 10 } }`. */
export type ConfigPatch = { [S in keyof TrainConfig]?: Partial<TrainConfig[S]> };

/** `c` with the sections of `patch` merged in (a new object). */
export function patchConfig<T extends object>(c: T, patch: { [S in keyof T]?: Partial<T[S]> }): T {
  const out = structuredClone(c) as Record<string, object>;
  for (const [s, v] of Object.entries(patch)) out[s] = { ...out[s], ...(v as object) };
  return out as T;
}

export { DEFAULT_STEPS } from './options.js';

/** The defaults of options.ts for `model`; SBN ⇒ τ = 1 (the SBN trains with a fixed temperature). */
export function defaultConfig(model: ModelName = 'vae'): TrainConfig {
  const c = { model: { name: model }, estimator: { options: {} } };
  // Every sbn/vae field, also the other model's (its neutral default, e.g. no hidden layers on the SBN).
  for (const o of trainOptions()) {
    if (!o.estimator && (o.models.includes('sbn') || o.models.includes('vae'))) setOption(c, o, structuredClone(o.default));
  }
  const config = c as unknown as TrainConfig;
  config.schedule.tau = model === 'sbn' ? 1 : null;
  return config;
}

/**
 * A saved config (config.json, a checkpoint's) as a TrainConfig: a flat one of older runs nested,
 * the sections' fields added since it was written at their defaults. Not validated.
 */
export function savedConfig(raw: Record<string, unknown>): TrainConfig {
  const c = nestConfig(raw) as unknown as TrainConfig;
  return patchConfig(defaultConfig((c.model as { name?: ModelName }).name ?? 'vae'), c);
}

/** Checks every field (ranges from options.ts); the message names the option as the CLI spells it. */
export function validateConfig(c: TrainConfig): TrainConfig {
  const name = c?.model?.name;
  if (!(MODEL_NAMES as readonly string[]).includes(name)) throw new ArgumentError(`config.model.name must be one of ${MODEL_NAMES.join(', ')}, found '${String(name)}'`);
  checkOptions(c, name);
  const { model: m, runtime: r } = c;
  if (m.name === 'sbn' && m.hidden.length) throw new ArgumentError('--hidden is a VAE option; the SBN has no deterministic layers');
  if (m.name === 'sbn' && m.prior !== 'learned') throw new ArgumentError('--prior is a VAE option; the SBN has no prior');
  if (r.backend !== 'tfjs' && (r.tfjsBackend !== 'wasm' || r.tfjsNativeRng)) {
    throw new ArgumentError(`--tfjs-backend / --tfjs-native-rng must be used with --backend tfjs, found '--backend ${r.backend}'`);
  }
  checkEstimator(c);
  return c;
}

/** The estimator fits the run: it supports the latent kind, the temperatures the schedule reaches and the options given. */
function checkEstimator(c: TrainConfig): void {
  const d = estimatorDescriptor(c.estimator.name), s = c.schedule;
  if (!d.latents.includes(c.model.latent)) throw new ArgumentError(`--estimator ${d.name} supports ${d.latents.join(' and ')} latents only, found --latent ${c.model.latent}`);
  const lowest = s.tau ?? s.tauMin;
  if (d.minTau !== undefined && lowest < d.minTau) {
    throw new ArgumentError(`--estimator ${d.name} needs τ >= ${d.minTau}, found ${s.tau !== null ? `--tau ${s.tau}` : `a schedule down to --tau-min ${s.tauMin}`}`);
  }
  const eo = c.estimator.options;
  if (typeof eo !== 'object' || eo === null || Array.isArray(eo)) throw new ArgumentError(`config.estimator.options must be an object, found ${JSON.stringify(eo)}`);
  const own = new Set(d.options.map((o) => o.key));
  const foreign = Object.keys(eo).find((k) => !own.has(k));
  if (foreign) {
    const flag = `--${foreign.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`;
    throw new ArgumentError(`${flag} is not an option of --estimator ${d.name} (its options: ${own.size ? [...own].join(', ') : 'none'})`);
  }
  resolveOptions(d, eo);
}

/** The temperature at step t: fixed (--tau), or the paper's stepwise annealing (schedules.ts). */
export function tauAt(c: ScheduleConfig, t: number): number {
  if (c.tau !== null) return c.tau;
  return scheduleTau(t, { rate: c.tauRate, every: c.tauEvery, floor: c.tauMin });
}

/** Slope of slope-annealed ST after t steps: a = min(5, 1 + 0.04·epoch) (Chung et al. 2016), whole epochs of the training set. */
export function slopeAt(t: number, batch: number, examples: number): number {
  return scheduleSlope(epochAt(t, batch, examples));
}
