// Every option of `gumbel train` declared once: its flag, its concern (the config's section, also its
// --help section) and field there, the models it applies to, its default (sbn/vae; ssvae's defaults
// are SSVAE_DEFAULTS), its range and whether it may change on --resume. The CLI flags, --help, the
// nested config's defaults, validateConfig, the resume check and the migration of flat configs
// derive from this table; adding an option is one entry here (plus its field in the config type and
// the code that reads it).
//
// Ranges are limits of sense, not of the paper: large enough for any run of the paper (550k steps,
// m = 1000, k = 10) and small enough that a typo fails at the door instead of running for days or
// overflowing float32 (τ ≥ 1e−3 keeps logits/τ finite for |logits| up to 1e35).
import { TFJS_BACKENDS } from '../backends/tfjs/names.js';
import { ArgumentError } from '../errors.js';
import { ESTIMATOR_NAMES } from '../estimators/estimator.js';
import { type OptionSpec as EstimatorOptionSpec, estimatorDescriptor, estimatorNames } from '../estimators/registry.js';
import { LATENT_KINDS } from '../models/index.js';

export type Section = 'model' | 'optimizer' | 'schedule' | 'evaluation' | 'runtime' | 'estimator';
export type TrainModel = 'sbn' | 'vae' | 'ssvae';

export interface OptionSpec {
  /** The option's name: commander's key and the field of the flat configs written before the sections. */
  key: string;
  /** Its field in config[section] when not `key` (estimator.name, optimizer.name). */
  field?: string;
  /** Commander's spelling, e.g. '--eval-samples <m>'. */
  flag: string;
  help: string;
  section: Section;
  models: readonly TrainModel[];
  kind: 'int' | 'number' | 'bool' | 'choice' | 'list' | 'flag' | 'path';
  /** Range of a number (of each element of a list); `above`: min excluded, `below`: max excluded. */
  min?: number;
  max?: number;
  above?: boolean;
  below?: boolean;
  /** Most elements of a list. */
  maxLength?: number;
  choices?: readonly string[];
  /** sbn/vae default (null: none, e.g. --tau means annealing). */
  default: unknown;
  /** May change on --resume (length, threads, cadence); every other option must match the run. */
  resume?: boolean;
  /** An estimator's own option, kept in config.estimator.options. */
  estimator?: boolean;
}

const ALL = ['sbn', 'vae', 'ssvae'] as const;
const SBN_VAE = ['sbn', 'vae'] as const;
/** Steps of the default run: a few minutes for the categorical VAE on two cores. */
export const DEFAULT_STEPS = 10_000;
const LONG = 100_000_000; // steps and step counts: about 180 times the paper's 550k
export const SIZE = 10_000_000; // example counts: far above MNIST's 60k
const TAU = { min: 1e-3, max: 1e3 };

/** The table, in --help order within each section. */
const BASE_OPTIONS: OptionSpec[] = [
  { key: 'latent', flag: '--latent <kind>', help: 'latent variables', section: 'model', models: SBN_VAE, kind: 'choice', choices: LATENT_KINDS, default: 'categorical' },
  { key: 'estimator', field: 'name', flag: '--estimator <name>', help: 'gradient estimator', section: 'estimator', models: SBN_VAE, kind: 'choice', choices: ESTIMATOR_NAMES, default: 'gumbel_softmax' },
  { key: 'units', flag: '--units <n>', help: 'Bernoulli units per stochastic layer', section: 'model', models: SBN_VAE, kind: 'int', min: 1, max: 4096, default: 200 },
  { key: 'vars', flag: '--vars <n>', help: 'categorical variables per stochastic layer', section: 'model', models: SBN_VAE, kind: 'int', min: 1, max: 1024, default: 20 },
  { key: 'classes', flag: '--classes <k>', help: 'classes of each categorical variable (ssvae: of y, 10 on MNIST)', section: 'model', models: ALL, kind: 'int', min: 2, max: 256, default: 10 },
  { key: 'prior', flag: '--prior <kind>', help: 'VAE prior (discrete, analytic KL)', section: 'model', models: ['vae'], kind: 'choice', choices: ['learned', 'uniform'], default: 'learned' },
  { key: 'hidden', flag: '--hidden <sizes>', help: 'VAE hidden ReLU layers, e.g. 512,256 (none: the paper\'s affine model)', section: 'model', models: ['vae'], kind: 'list', min: 1, max: 8192, maxLength: 8, default: [] },
  { key: 'yEstimator', field: 'name', flag: '--y-estimator <name>', help: 'ssvae: the estimator of the unlabeled y (the paper: marginalize, gumbel_softmax, st_gumbel_softmax)', section: 'estimator', models: ['ssvae'], kind: 'choice', choices: ESTIMATOR_NAMES, default: 'gumbel_softmax' },
  { key: 'labels', flag: '--labels <n>', help: 'ssvae: labeled examples (as many of each class)', section: 'model', models: ['ssvae'], kind: 'int', min: 1, max: SIZE, default: 100 },
  { key: 'alpha', flag: '--alpha <a>', help: 'ssvae: α of the paper (0.1, 0.2, 0.3, 0.8 or 1.0); the labeled −log q(y|x) is weighted α·N/N_labels per example, as in Kingma et al.', section: 'model', models: ['ssvae'], kind: 'number', min: 0, max: 100, default: 0.1 },

  { key: 'steps', flag: '--steps <n>', help: 'optimizer steps (the paper: about 550000)', section: 'optimizer', models: ALL, kind: 'int', min: 0, max: LONG, default: DEFAULT_STEPS, resume: true },
  { key: 'batch', flag: '--batch <n>', help: 'examples per step (ssvae: unlabeled rows)', section: 'optimizer', models: ALL, kind: 'int', min: 1, max: 60_000, default: 100 },
  { key: 'labeledBatch', flag: '--labeled-batch <n>', help: 'ssvae: labeled rows per step (at most --labels)', section: 'optimizer', models: ['ssvae'], kind: 'int', min: 1, max: 60_000, default: 100 },
  { key: 'optimizer', field: 'name', flag: '--optimizer <name>', help: 'optimizer (the paper: sgd with momentum 0.9)', section: 'optimizer', models: SBN_VAE, kind: 'choice', choices: ['sgd', 'adam'], default: 'adam' },
  { key: 'lr', flag: '--lr <x>', help: 'learning rate', section: 'optimizer', models: ALL, kind: 'number', min: 0, above: true, max: 10, default: 1e-3 },
  { key: 'momentum', flag: '--momentum <x>', help: 'SGD momentum', section: 'optimizer', models: SBN_VAE, kind: 'number', min: 0, max: 1, below: true, default: 0.9 },
  { key: 'seed', flag: '--seed <s>', help: 'random seed (initialisation, batches, noise)', section: 'optimizer', models: ALL, kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER, default: 1 },

  { key: 'tau', flag: '--tau <x>', help: 'fixed temperature instead of annealing (default: 1 for sbn, annealed for vae)', section: 'schedule', models: SBN_VAE, kind: 'number', ...TAU, default: null },
  { key: 'tauRate', flag: '--tau-rate <r>', help: 'annealing: τ = max(tau-min, exp(−r·N·⌊t/N⌋))', section: 'schedule', models: SBN_VAE, kind: 'number', min: 0, max: 1, default: 1e-4 },
  { key: 'tauEvery', flag: '--tau-every <N>', help: 'annealing: update τ every N steps', section: 'schedule', models: SBN_VAE, kind: 'int', min: 1, max: LONG, default: 1000 },
  { key: 'tauMin', flag: '--tau-min <x>', help: 'annealing: floor of τ', section: 'schedule', models: SBN_VAE, kind: 'number', ...TAU, default: 0.5 },

  { key: 'evalSamples', flag: '--eval-samples <m>', help: 'samples per test example in the final evaluation (the paper: 1000)', section: 'evaluation', models: SBN_VAE, kind: 'int', min: 1, max: 10_000, default: 1000 },
  { key: 'evalEvery', flag: '--eval-every <n>', help: 'validate and checkpoint every n steps (0: at the end only)', section: 'evaluation', models: ALL, kind: 'int', min: 0, max: LONG, default: 1000, resume: true },
  { key: 'validSamples', flag: '--valid-samples <m>', help: 'samples per example of the periodic validation', section: 'evaluation', models: SBN_VAE, kind: 'int', min: 1, max: 10_000, default: 100 },
  { key: 'validSize', flag: '--valid-size <n>', help: 'validation examples of the periodic validation (0: all 10000)', section: 'evaluation', models: ALL, kind: 'int', min: 0, max: SIZE, default: 1000 },
  { key: 'trainSize', flag: '--train-size <n>', help: 'train on the first n examples only (0: all)', section: 'evaluation', models: SBN_VAE, kind: 'int', min: 0, max: SIZE, default: 0 },
  { key: 'testSize', flag: '--test-size <n>', help: 'evaluate on the first n test examples only (0: all)', section: 'evaluation', models: ALL, kind: 'int', min: 0, max: SIZE, default: 0 },
  { key: 'logEvery', flag: '--log-every <n>', help: 'a metrics line every n steps', section: 'evaluation', models: SBN_VAE, kind: 'int', min: 1, max: LONG, default: 100, resume: true },

  { key: 'backend', flag: '--backend <name>', help: 'compute backend (tfjs: the tfjs adapter on tfjs-backend-wasm)', section: 'runtime', models: ALL, kind: 'choice', choices: ['wasm', 'ref', 'tfjs'], default: 'wasm' },
  { key: 'tfjsBackend', flag: '--tfjs-backend <name>', help: 'with --backend tfjs: the tfjs backend that runs the kernels (tensorflow: tfjs-node or tfjs-node-gpu; webgpu: a browser)', section: 'runtime', models: SBN_VAE, kind: 'choice', choices: TFJS_BACKENDS, default: 'wasm' },
  { key: 'tfjsNativeRng', flag: '--tfjs-native-rng', help: 'with --backend tfjs: draw the noise with tfjs\'s own generator (fast on a GPU; not the same numbers as --backend wasm)', section: 'runtime', models: SBN_VAE, kind: 'flag', default: false },
  { key: 'threads', flag: '--threads <n>', help: 'wasm threads for large matrix products (0: one per core, up to 4; results do not depend on it)', section: 'runtime', models: ALL, kind: 'int', min: 0, max: 16, default: 0, resume: true },
  { key: 'dataDir', flag: '--data-dir <dir>', help: 'MNIST-shaped IDX files (raw or .gz) or binarized_mnist_*.amat (default: the bundled MNIST)', section: 'runtime', models: ALL, kind: 'path', default: null },
];

/**
 * Every option of `gumbel train`: the table above, then the estimators' own options from the
 * estimator registry (one flag per key; estimators that share a key, like samples, share the flag,
 * each with its own default and range, checked by validateConfig against the chosen estimator).
 * A function, so an estimator registered later (a user's, a test's toy) has its flags too.
 */
export function trainOptions(): OptionSpec[] {
  const byKey = new Map<string, { owners: string[]; specs: EstimatorOptionSpec[] }>();
  for (const name of estimatorNames()) {
    for (const spec of estimatorDescriptor(name).options) {
      const e = byKey.get(spec.key) ?? { owners: [], specs: [] };
      e.owners.push(name);
      e.specs.push(spec);
      byKey.set(spec.key, e);
    }
  }
  const own: OptionSpec[] = [...byKey].map(([key, { owners, specs }]) => {
    const bool = specs.every((s) => typeof s.default === 'boolean');
    // Estimators with the same help and default share one line ("sf, darn, muprop: ...").
    const lines = new Map<string, string[]>();
    specs.forEach((s, i) => lines.set(`${s.help} (default ${s.default})`, [...(lines.get(`${s.help} (default ${s.default})`) ?? []), owners[i]]));
    const help = [...lines].map(([text, names]) => `${names.join(', ')}: ${text}`).join('; ');
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return {
      key, flag: `${flag} ${bool ? '<true|false>' : '<x>'}`, help, section: 'estimator', models: SBN_VAE, kind: bool ? 'bool' : specs.every((s) => s.integer) ? 'int' : 'number',
      min: Math.min(...specs.map((s) => s.min ?? -Number.MAX_VALUE)), max: Math.max(...specs.map((s) => s.max ?? Number.MAX_VALUE)), default: null, estimator: true,
    };
  });
  const clash = own.find((o) => BASE_OPTIONS.some((b) => optionName(b) === optionName(o)));
  if (clash) throw new ArgumentError(`estimator registry: option ${optionName(clash)} of an estimator is already an option of gumbel train`);
  return [...BASE_OPTIONS, ...own];
}

/** The table's entry for a config field. */
export function optionSpec(key: string): OptionSpec {
  const o = trainOptions().find((s) => s.key === key);
  if (!o) throw new ArgumentError(`optionSpec: key must be an option of the table, found '${key}'`);
  return o;
}

/** '--eval-samples' of '--eval-samples <m>'. */
export const optionName = (o: OptionSpec): string => o.flag.split(' ')[0];

/** What a value of `o` must be, e.g. "an integer in [0, 100000000]". */
export function rangeText(o: OptionSpec): string {
  if (o.kind === 'choice') return `one of ${(o.choices ?? []).join(', ')}`;
  if (o.kind === 'flag' || o.kind === 'bool') return 'true or false';
  if (o.kind === 'path') return 'a path';
  const range = `${o.above ? '(' : '['}${o.min}, ${o.max}${o.below ? ')' : ']'}`;
  if (o.kind === 'list') return `up to ${o.maxLength} integers in ${range}, like 512,256 (or none)`;
  return `${o.kind === 'int' ? 'an integer' : 'a number'} in ${range}`;
}

function inRange(o: OptionSpec, v: unknown): boolean {
  if (typeof v !== 'number' || !Number.isFinite(v) || ((o.kind === 'int' || o.kind === 'list') && !Number.isInteger(v))) return false;
  return (o.above ? v > o.min! : v >= o.min!) && (o.below ? v < o.max! : v <= o.max!);
}

/** Whether v is a valid value of o (null where o has no default, like --tau). */
function valid(o: OptionSpec, v: unknown): boolean {
  if (v === null && o.default === null) return true;
  switch (o.kind) {
    case 'choice': return (o.choices ?? []).includes(v as string);
    case 'flag': case 'bool': return typeof v === 'boolean';
    case 'path': return typeof v === 'string' && v !== '';
    case 'list': return Array.isArray(v) && v.length <= o.maxLength! && v.every((x) => inRange(o, x));
    default: return inRange(o, v);
  }
}

const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `'${v.join(',')}'` : String(v));

/** v, or an ArgumentError naming the option and its range. */
export function checkOption<T>(o: OptionSpec, v: T): T {
  if (!valid(o, v)) throw new ArgumentError(`${optionName(o)} must be ${rangeText(o)}, found ${show(v)}`);
  return v;
}

/** A decimal number (1, -0.5, 3e-4); NaN for anything else, '' and Number's hex/binary/octal (0x10) included. */
const decimal = (s: string): number => (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s.trim()) ? Number(s) : NaN);

/** The value of a command-line string, checked against the range. */
export function parseOption(o: OptionSpec, text: string): unknown {
  const t = text.trim();
  if (o.kind === 'list') return checkOption(o, t === '' || t === 'none' ? [] : t.split(',').map(decimal));
  if (o.kind === 'int' || o.kind === 'number') return checkOption(o, decimal(t));
  if (o.kind === 'bool') return checkOption(o, t === 'true' ? true : t === 'false' ? false : t);
  return checkOption(o, text);
}

/** Where `o` lives in the nested config: [section, field], or ['estimator', 'options', key] for an estimator's own. */
export const pathOf = (o: OptionSpec): string[] => (o.estimator ? ['estimator', 'options', o.key] : [o.section, o.field ?? o.key]);

/** The option `o` of a nested config (an estimator's own: its default when not given). */
export function valueOf(o: OptionSpec, config: object): unknown {
  const v = pathOf(o).reduce<unknown>((at, f) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[f] : undefined), config);
  return v === undefined && o.estimator ? o.default : v;
}

/** Sets option `o` in a nested config, making its section where missing. */
export function setOption(config: object, o: OptionSpec, v: unknown): void {
  const path = pathOf(o), last = path.pop()!;
  let at = config as Record<string, unknown>;
  for (const f of path) at = (at[f] ??= {}) as Record<string, unknown>;
  at[last] = v;
}

/** The options given (flag key → value) set in a copy of `config`. */
export function withOptions<T extends object>(config: T, given: Record<string, unknown>, model: TrainModel): T {
  const c = structuredClone(config);
  for (const o of trainOptions()) if (o.key in given && o.models.includes(model)) setOption(c, o, given[o.key]);
  return c;
}

/**
 * A run config of either shape, nested: the flat one of runs written before the sections (its
 * fields are the table's keys; estimatorOptions; an ssvae run has yEstimator and no model) is
 * moved field by field to the paths of the table; a nested one is returned as it is.
 */
export function nestConfig(raw: Record<string, unknown>): Record<string, unknown> {
  if (typeof raw.model === 'object' && raw.model !== null) return raw;
  const model = ('yEstimator' in raw ? 'ssvae' : raw.model ?? 'vae') as TrainModel;
  const c: Record<string, unknown> = { model: { name: model }, estimator: { options: { ...(raw.estimatorOptions as object) } } };
  for (const o of BASE_OPTIONS) if (o.models.includes(model) && o.key in raw) setOption(c, o, raw[o.key]);
  if ('randomLabels' in raw) (c.model as Record<string, unknown>).randomLabels = raw.randomLabels;
  return c;
}

/** Checks every option of `model` in `config`; the error names the option as the CLI spells it and its range. */
export function checkOptions(config: object, model: TrainModel): void {
  const options = trainOptions().filter((o) => o.models.includes(model));
  for (const section of new Set(options.map((o) => pathOf(o)[0]))) {
    const v = (config as Record<string, unknown>)?.[section];
    if (v === null || typeof v !== 'object') throw new ArgumentError(`config.${section} must be an object (the config is nested by concern, see options.ts), found ${JSON.stringify(v)}`);
  }
  for (const o of options) checkOption(o, valueOf(o, config));
}

/** The flags that may change on --resume, for --help and errors. */
export const resumableFlags = (): string[] => trainOptions().filter((o) => o.resume).map(optionName);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The resume policy: throws an ArgumentError naming the first option given on the command line
 * (`given`: config field → value) that contradicts the run's saved config, unless it may change on
 * resume. `model` is the model named on the command line, if any. An option the saved config does
 * not record (ssvae's backend is an option of the run) cannot contradict it; give `saved` with the
 * defaults of its model filled in.
 */
export function checkResume(saved: object, savedModel: TrainModel, given: Record<string, unknown>, model?: TrainModel): void {
  const may = `on --resume only ${resumableFlags().join(', ')} may change`;
  if (model && model !== savedModel) throw new ArgumentError(`model ${model} contradicts the run, which trains ${savedModel}; ${may}`);
  for (const o of trainOptions()) {
    if (!(o.key in given) || o.resume || !o.models.includes(savedModel) || valueOf(o, saved) === undefined) continue;
    const was = valueOf(o, saved);
    if (!same(given[o.key], was)) throw new ArgumentError(`${optionName(o)} ${show(given[o.key])} contradicts the run, which has ${show(was)}; ${may}`);
  }
}

/**
 * Why a checkpoint written with config `saved` cannot continue in a run with config `current` (both
 * nested, of `model`): the first option of the model, estimator or optimizer that differs (steps
 * may), or null when none does.
 */
export function runMismatch(saved: object, current: object, model: TrainModel): string | null {
  for (const o of trainOptions()) {
    if (!o.models.includes(model) || o.resume || o.estimator || !['model', 'estimator', 'optimizer'].includes(o.section)) continue;
    const was = valueOf(o, saved), is = valueOf(o, current);
    if (!same(was, is)) return `was written for ${optionName(o)} ${show(was)}, this run has ${show(is)}`;
  }
  return null;
}

/** The saved config with the options given on the command line that may change on resume (steps, threads, cadence). */
export function resumeConfig<T extends object>(saved: T, given: Record<string, unknown>): T {
  const c = structuredClone(saved);
  for (const o of trainOptions()) if (o.resume && o.key in given) setOption(c, o, given[o.key]);
  return c;
}
