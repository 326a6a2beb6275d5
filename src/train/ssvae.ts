// Semi-supervised training of the M2 model (src/models/ssvae.ts), runtime-neutral.
// Data (paper §4.3, protocol gaps 12 and 14): `labels` labeled examples (labels/k per class, picked
// by key from the 50k training images) and all 50k as unlabeled data, both binarized dynamically at
// every step; validation and test are binarized once with fixed keys. Every step takes the next
// `batch` unlabeled rows of the epoch's keyed permutation and `labeledBatch` labeled rows (all 100 of
// them by default, as the classifier learns from so few). τ = max(0.5, exp(−3e−5·t)) every 2000
// steps (SSL_TAU). Adam with lr 3e−4 (Kingma et al.'s code; Jang does not state the optimizer).
// α: Kingma et al.'s code weights the labeled −log q(y|x) by β = α·N/N_l (N training images, N_l
// labels), and its default α = 0.1 lies in Jang's grid {0.1 … 1}; we follow it. Taken as a bare
// per-example weight, α = 0.1 lets the unlabeled objective take q(y|x) over: in a 1,500-step run the
// validation accuracy peaked at 70.7% (step 500) and fell to 53.5% while the 100 labels stayed fit.
import type { Backend } from '../backend.js';
import { grad } from '../autograd/tape.js';
import { step as scratchStep } from '../engine.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { Batcher, binarizeDynamic, type Dataset, pickLabelled, permutation } from '../data/index.js';
import type { Estimator, EstimatorName } from '../estimators/estimator.js';
import { createEstimator, estimatorDescriptor, resolveOptions } from '../estimators/registry.js';
import { SSVAE, type SsvaeEvalResult } from '../models/ssvae.js';
import { add, scale, tensor } from '../ops.js';
import { Adam } from '../optim/optimizer.js';
import { foldIn, key as keyOf, type Key } from '../random/key.js';
import type { CheckpointState } from './checkpoint.js';
import { type EstimatorConfig, patchConfig, type RuntimeConfig } from './config.js';
import { checkOptions, nestConfig, runMismatch } from './options.js';
import { SSL_TAU, tauAt } from './schedules.js';
import type { Evaluation, RunTrainer } from './loop.js';
import { TrainingError } from './trainer.js';

/** Rows (examples × classes) of one marginalization chunk: bounds the scratch memory of a step. */
export const MAX_ROWS = 500;

/** An M2 run's configuration, by concern as TrainConfig (options.ts); y's estimator is config.estimator. */
export interface SsvaeConfig {
  model: {
    name: 'ssvae';
    /** Classes k of y. */
    classes: number;
    /** Labeled examples (a multiple of classes). */
    labels: number;
    /** α of the paper's grid (0.1, 0.2, 0.3, 0.8, 1.0): the labeled −log q(y|x) is weighted β = α·N/N_l per example. */
    alpha: number;
    /** Random labels in [0, classes) instead of the data's (the speed test of Fig. 5a; not a CLI option). */
    randomLabels: boolean;
  };
  /** y's estimator, a registry name (the paper's: marginalize, gumbel_softmax, st_gumbel_softmax). */
  estimator: EstimatorConfig;
  optimizer: {
    steps: number;
    /** Unlabeled rows per step. */
    batch: number;
    /** Labeled rows per step (at most `labels`). */
    labeledBatch: number;
    lr: number;
    seed: number;
  };
  evaluation: {
    /** Validate (accuracy and ELBO on the first validSize validation examples) every n steps; 0: at the end only. */
    evalEvery: number;
    validSize: number;
    /** Test examples of the final evaluation (0: all 10,000). */
    testSize: number;
  };
  /** backend and threads; dataDir: MNIST-shaped IDX files with labels (--data-dir), null: the bundled MNIST. */
  runtime: Pick<RuntimeConfig, 'backend' | 'threads' | 'dataDir'>;
}

export const SSVAE_DEFAULTS: Readonly<SsvaeConfig> = {
  model: { name: 'ssvae', classes: 10, labels: 100, alpha: 0.1, randomLabels: false },
  estimator: { name: 'gumbel_softmax', options: {} },
  optimizer: { steps: 20_000, batch: 100, labeledBatch: 100, lr: 3e-4, seed: 0 },
  evaluation: { evalEvery: 1000, validSize: 1000, testSize: 0 },
  runtime: { backend: 'wasm', threads: 0, dataDir: null },
};

/** Partial sections, for overriding an M2 config: `{ model: { labels: 20 } }`. */
export type SsvaePatch = { [S in keyof SsvaeConfig]?: Partial<SsvaeConfig[S]> };

/** SSVAE_DEFAULTS with the sections of `patch` merged in. */
export const ssvaeConfig = (patch: SsvaePatch = {}): SsvaeConfig => patchConfig(SSVAE_DEFAULTS, patch);

/** A saved M2 config (flat ones of older runs nested), the fields added since at their defaults. Not validated. */
export const savedSsvaeConfig = (raw: Record<string, unknown>): SsvaeConfig => ssvaeConfig(nestConfig(raw) as Partial<SsvaeConfig>);

export { PAPER_TABLE2 } from '../reproduce/paper.js';

/** Checks every field (ranges from options.ts, as validateConfig); the message names the option as the CLI spells it. */
export function validateSsvaeConfig(c: SsvaeConfig): SsvaeConfig {
  checkOptions(c, 'ssvae');
  const m = c.model;
  if (m.name !== 'ssvae') throw new ArgumentError(`config.model.name must be 'ssvae', found '${String(m.name)}'`);
  if (typeof m.randomLabels !== 'boolean') throw new ArgumentError(`config.model.randomLabels must be true or false, found ${String(m.randomLabels)}`);
  if (m.labels % m.classes) throw new ArgumentError(`--labels must be a multiple of --classes (${m.classes}) to take as many of each class, found ${m.labels}`);
  if (Object.keys(c.estimator.options ?? {}).length) throw new ArgumentError(`config.estimator.options must be empty: the M2 trainer takes y's estimator with its defaults, found ${JSON.stringify(c.estimator.options)}`);
  checkLabelEstimator(c.estimator.name);
  return c;
}

/** y's estimator fits the M2 model: a categorical latent, a −ELBO with analytic KL as f, and SSL_TAU's floor. */
function checkLabelEstimator(name: EstimatorName): void {
  const d = estimatorDescriptor(name);
  const why = !d.latents.includes('categorical') ? `supports ${d.latents.join(' and ')} latents only`
    : d.logWeight ? 'needs a log-weight pass; the M2 model\'s U(x) has an analytic KL'
      : d.minTau !== undefined && d.minTau > SSL_TAU.floor ? `needs τ >= ${d.minTau}; the M2 schedule goes down to ${SSL_TAU.floor}` : '';
  if (why) throw new ArgumentError(`--y-estimator ${name} ${why}`);
}

/** Grey training images with labels, and validation / test sets binarized once. */
export interface SsvaeData {
  train: Dataset;
  valid: Dataset;
  test: Dataset;
}

/** Labels uniform in [0, k) under key (the speed test's random labels). */
export function randomLabels(n: number, k: number, key: Key): Uint8Array {
  if (k > 256) throw new ArgumentError(`randomLabels: k must be <= 256, found ${k}`);
  const p = permutation(n, key);
  return Uint8Array.from(p, (v) => v % k);
}

export class SsvaeTrainer implements RunTrainer<SsvaeEvalResult> {
  readonly model: SSVAE;
  readonly optimizer: Adam;
  readonly labeled: Uint32Array;
  step = 0;
  private readonly keys: { init: Key; data: Key; step: Key; binarize: Key; valid: Key; test: Key };
  private readonly trainLabels: Uint8Array;
  private readonly batcher: Batcher;
  /** y's estimator from the registry, made once and handed to the model at every step. */
  private readonly y: Estimator;
  /** Rows per unlabeled example of a step (k for marginalize): sets the chunks of trainStep. */
  private readonly rowsPerExample: number;
  private readonly xu: Float32Array;
  private readonly xl: Float32Array;
  private readonly yl: Uint8Array;

  constructor(readonly config: SsvaeConfig, readonly data: SsvaeData, readonly backend: Backend) {
    validateSsvaeConfig(config);
    const { train } = data;
    if (!train.labels) throw new ShapeError('SsvaeTrainer: the training set must have labels');
    if (train.dim !== 784) throw new ShapeError(`SsvaeTrainer: images must be 28×28 (784 values), found ${train.dim}`);
    const { model: m, optimizer: o } = config;
    if (o.batch > train.n) throw new ShapeError(`SsvaeTrainer: batch ${o.batch} is larger than the ${train.n} training examples`);
    const root = keyOf(o.seed);
    this.keys = { init: foldIn(root, 0), data: foldIn(root, 1), step: foldIn(root, 2), binarize: foldIn(root, 3), valid: foldIn(root, 4), test: foldIn(root, 5) };
    this.trainLabels = m.randomLabels ? randomLabels(train.n, m.classes, foldIn(root, 6)) : train.labels;
    this.labeled = pickLabelled(this.trainLabels, m.labels / m.classes, foldIn(root, 7), m.classes);
    this.model = new SSVAE({ classes: m.classes, key: this.keys.init, initData: train.images, backend });
    this.optimizer = new Adam(o.lr).init(this.model.params.list);
    const name = config.estimator.name;
    this.y = createEstimator(name);
    if (this.y.params().length) throw new ArgumentError(`--y-estimator ${name} has parameters of its own, which the M2 trainer does not train`);
    const d = estimatorDescriptor(name);
    this.rowsPerExample = d.evaluations(resolveOptions(d) as Record<string, number>, 1, m.classes);
    this.batcher = new Batcher(train, { batchSize: o.batch, key: this.keys.data, dropLast: true });
    const lb = Math.min(o.labeledBatch, m.labels);
    this.xu = new Float32Array(o.batch * 784);
    this.xl = new Float32Array(lb * 784);
    this.yl = new Uint8Array(lb);
  }

  tauAt(t: number): number {
    return tauAt(t, SSL_TAU);
  }

  /** β = α·N/N_l: the per-example weight of the labeled −log q(y|x) (Kingma et al.'s scaling). */
  get beta(): number {
    return (this.config.model.alpha * this.data.train.n) / this.config.model.labels;
  }

  /** Step t's rows, dynamically binarized: unlabeled batch t mod E of epoch ⌊t/E⌋, and the labeled batch. */
  private rows(t: number): void {
    const { images } = this.data.train;
    this.xu.set(this.batcher.at(t).x);
    const nl = this.labeled.length, lb = this.yl.length;
    // All labeled rows every step when they fit; otherwise the next lb of a keyed permutation per pass over them.
    const lperm = new Map<number, Uint32Array>();
    for (let r = 0; r < lb; r++) {
      const g = t * lb + r, e = Math.floor(g / nl);
      if (lb < nl && !lperm.has(e)) lperm.set(e, permutation(nl, foldIn(foldIn(this.keys.data, 1 << 30), e)));
      const i = this.labeled[lb < nl ? lperm.get(e)![g % nl] : r];
      this.xl.set(images.subarray(i * 784, (i + 1) * 784), r * 784);
      this.yl[r] = this.trainLabels[i];
    }
    const k = foldIn(this.keys.binarize, t);
    binarizeDynamic(this.xu, foldIn(k, 0), this.xu);
    binarizeDynamic(this.xl, foldIn(k, 1), this.xl);
  }

  /**
   * One Adam step on Eq. 11; returns J and its three parts. Marginalization runs k rows per unlabeled
   * example, so its batch goes through in chunks of at most MAX_ROWS rows whose gradients are summed
   * on the host in a fixed order (memory stays bounded at k = 100; the numbers do not depend on threads).
   */
  trainStep(): { step: number; loss: number; labeled: number; unlabeled: number; classification: number; tau: number; values: Record<string, number> } {
    const t = this.step, tau = this.tauAt(t), B = this.config.optimizer.batch, beta = this.beta;
    this.rows(t);
    const key = foldIn(this.keys.step, t);
    const chunks = Math.ceil((B * this.rowsPerExample) / MAX_ROWS), per = Math.ceil(B / chunks);
    const params = this.model.params.list;
    const sums = chunks > 1 ? params.map((p) => new Float32Array(p.size)) : null;
    const v = { loss: 0, labeled: 0, unlabeled: 0, classification: 0 };
    for (let c = 0; c * per < B; c++) {
      const rows = Math.min(per, B - c * per);
      scratchStep(() => {
        const u = this.model.unlabeledTerm(this.xu.subarray(c * per * 784, (c * per + rows) * 784), { y: this.y, tau, key: foldIn(key, 1 + c) });
        let J = scale(u, rows / B);
        v.unlabeled += (rows / B) * u.item();
        if (c === 0) {
          const l = this.model.labeledTerms(this.xl, this.yl, foldIn(key, 0));
          J = add(J, add(l.labeled, scale(l.classification, beta)));
          v.labeled = l.labeled.item();
          v.classification = l.classification.item();
        }
        const j = J.item();
        if (!Number.isFinite(j)) {
          throw new TrainingError(`training stopped at step ${t}: the objective is ${j} (${JSON.stringify(v)}; ssvae/${this.y.name}, τ = ${tau}, lr = ${this.config.optimizer.lr}); try a smaller --lr`);
        }
        const grads = grad(J, params);
        if (!sums) return this.optimizer.step(params, grads);
        grads.forEach((g, i) => {
          if (!g) return;
          const d = g.data(), s = sums[i];
          for (let j = 0; j < s.length; j++) s[j] += d[j];
        });
      }, this.backend);
    }
    v.loss = v.labeled + v.unlabeled + beta * v.classification;
    if (sums) scratchStep(() => this.optimizer.step(params, sums.map((s, i) => tensor(s, params[i].shape, { backend: this.backend }))), this.backend);
    this.step = t + 1;
    return { step: t, tau, ...v, values: { ...v } };
  }

  /** Everything needed to continue bit for bit (the checkpoint format of gumbel train). */
  checkpoint(extra: Record<string, unknown> = {}): CheckpointState {
    const opt = this.optimizer.state();
    return {
      config: structuredClone(this.config) as unknown as Record<string, unknown>, step: this.step, rng: { seed: this.config.optimizer.seed, key: [this.keys.step[0], this.keys.step[1]] },
      schedule: { tau: this.tauAt(this.step), slope: 1 }, estimator: {},
      optimizer: { name: this.optimizer.name, t: opt.t, buffers: opt.buffers }, params: this.model.params.serialize(), estimatorParams: [], extra,
    };
  }

  /** Restores a checkpoint of this same configuration (the step count may differ). */
  restore(s: CheckpointState, name = 'checkpoint'): void {
    const saved = savedSsvaeConfig(s.config);
    const why = runMismatch(saved, this.config, 'ssvae')
      ?? (saved.model.randomLabels !== this.config.model.randomLabels ? `was written with randomLabels ${saved.model.randomLabels}, this run has ${this.config.model.randomLabels}` : null);
    if (why) throw new ShapeError(`SsvaeTrainer.restore: ${name} ${why}`);
    this.model.params.load(s.params, name);
    this.optimizer.init(this.model.params.list);
    this.optimizer.loadState({ t: s.optimizer.t, buffers: s.optimizer.buffers });
    this.step = s.step;
  }

  params() {
    return this.model.params.list;
  }

  /**
   * Accuracy and marginalized ELBO on the first `size` examples of ds (0: all), in slices of
   * ⌊1000/k⌋ examples; slice [start, end) uses foldIn(key, start) (the one rule of boundEvaluation).
   */
  evaluation(ds: Dataset, which: 'valid' | 'test', size = 0): Evaluation<SsvaeEvalResult> {
    const n = size > 0 ? Math.min(size, ds.n) : ds.n;
    const { randomLabels: random, classes } = this.config.model;
    const labels = random ? randomLabels(ds.n, classes, foldIn(this.keys[which], 1)) : ds.labels;
    if (!labels) throw new ShapeError(`SsvaeTrainer.evaluate: the ${which} set must have labels`);
    const key = this.keys[which];
    let correct = 0, total = 0;
    return {
      n, per: Math.max(1, Math.floor(1000 / classes)), label: `${which}, marginalized over ${classes} classes`,
      slice: (start, end) => {
        const r = this.model.evaluate(ds.images.subarray(start * 784, end * 784), labels.subarray(start, end), { key: foldIn(key, start) });
        correct += Math.round(r.accuracy * r.examples);
        total -= r.elbo * r.examples;
      },
      result: () => {
        return { accuracy: correct / Math.max(1, n), elbo: -total / Math.max(1, n), examples: n };
      },
    };
  }

  /** The same evaluation, synchronously. */
  evaluate(ds: Dataset, which: 'valid' | 'test', size = 0): SsvaeEvalResult {
    const ev = this.evaluation(ds, which, size);
    for (let start = 0; start < ev.n; start += ev.per) ev.slice(start, Math.min(ev.n, start + ev.per));
    return ev.result();
  }

  validation(): Evaluation<SsvaeEvalResult> {
    return this.evaluation(this.data.valid, 'valid', this.config.evaluation.validSize);
  }

  validFields(v: SsvaeEvalResult): { validAccuracy: number; validElbo: number } {
    return { validAccuracy: v.accuracy, validElbo: v.elbo };
  }

  validSummary(v: SsvaeEvalResult, step: number): { accuracy: number; elbo: number; examples: number; step: number } {
    return { accuracy: v.accuracy, elbo: v.elbo, examples: v.examples, step };
  }
}
