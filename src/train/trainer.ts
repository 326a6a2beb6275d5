// The training loop's core, runtime-neutral (no files, no clock beyond the caller's): one
// optimizer step at a time, each a pure function of (parameters, optimizer and estimator state,
// step number). Step t's randomness is foldIn(stepKey, t) and its batch is row t mod E of epoch
// ⌊t/E⌋'s permutation, so a run restored from a checkpoint continues with exactly the same numbers.
import type { Backend } from '../backend.js';
import { grad } from '../autograd/tape.js';
import { step as scratchStep } from '../engine.js';
import { GumbelError, ShapeError } from '../errors.js';
import type { Estimator, EstimatorName } from '../estimators/estimator.js';
import { Batcher, type Dataset } from '../data/index.js';
import { createModel, type EvalResult, type Model } from '../models/index.js';
import { Adam, SGD } from '../optim/optimizer.js';
import { foldIn, key as keyOf, type Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import type { CheckpointState } from './checkpoint.js';
import { slopeAt, tauAt, type TrainConfig, validateConfig } from './config.js';
import { createEstimator, estimatorDescriptor } from '../estimators/index.js';
import type { Evaluation, RunTrainer } from './loop.js';

/** Training stopped on a non-finite loss (or another numerical failure). */
export class TrainingError extends GumbelError {}

/** A bound above this many nats is finite but absurd (a diverged run): the run warns. */
export const ABSURD_NATS = 1e4;

/**
 * The one evaluation of the importance-sampled metric: examples [start, end) in slices of
 * ⌈4000/m⌉·8 examples, slice [start, end) under foldIn(key, start). The slicing depends on m only,
 * so the same key gives the same per-example numbers in validation, the final test and gumbel eval.
 */
export function boundEvaluation(model: Model, ds: Dataset, samples: number, key: Key, size = 0): Evaluation<EvalResult> {
  const n = size > 0 ? Math.min(size, ds.n) : ds.n;
  const perExample = new Float64Array(n);
  return {
    n, per: Math.max(1, Math.ceil(4000 / samples)) * 8, label: `m = ${samples}`,
    slice(start, end) {
      const r = model.evaluate(ds.images.subarray(start * ds.dim, end * ds.dim), { samples, key: foldIn(key, start) });
      perExample.set(r.perExample, start);
    },
    result() {
      return { mean: perExample.reduce((a, v) => a + v, 0) / Math.max(1, n), perExample, samples };
    },
  };
}

/** Keys of a run, all derived from the seed. */
export function runKeys(seed: number): { root: Key; init: Key; data: Key; step: Key; valid: Key; test: Key; sample: Key } {
  const root = keyOf(seed);
  return { root, init: foldIn(root, 0), data: foldIn(root, 1), step: foldIn(root, 2), valid: foldIn(root, 3), test: foldIn(root, 4), sample: foldIn(root, 5) };
}

export interface StepResult {
  step: number;
  loss: number;
  tau: number;
}

export class Trainer implements RunTrainer<EvalResult> {
  readonly model: Model;
  readonly estimator: Estimator;
  readonly optimizer: SGD | Adam;
  readonly keys: ReturnType<typeof runKeys>;
  /** Steps completed. */
  step = 0;
  private readonly batcher: Batcher;

  constructor(readonly config: TrainConfig, readonly train: Dataset, readonly backend: Backend, readonly valid?: Dataset) {
    validateConfig(config);
    if (config.batch > train.n) throw new ShapeError(`Trainer: --batch ${config.batch} is larger than the ${train.n} training examples`);
    this.keys = runKeys(config.seed);
    // An estimator that needs f as a one-sample log-weight (sf, vimco) gets the VAE's KL sampled (models/vae.ts).
    const kl = estimatorDescriptor(config.estimator).logWeight ? 'sampled' : 'analytic';
    this.model = createModel(
      {
        model: config.model, latent: config.latent, prior: config.prior, hidden: config.hidden, dim: train.dim,
        units: config.units, vars: config.vars, classes: config.classes, kl,
      },
      this.keys.init, train.images, backend,
    );
    this.estimator = createEstimator(config.estimator as EstimatorName, config.estimatorOptions, { inputDim: this.model.inDim });
    const opt = config.optimizer === 'sgd' ? new SGD(config.lr, config.momentum) : new Adam(config.lr);
    this.optimizer = opt.init(this.params());
    this.batcher = new Batcher(train, { batchSize: config.batch, key: this.keys.data, dropLast: true });
  }

  /** Everything the optimizer updates: the model's parameters, then the estimator's. */
  params(): Tensor[] {
    return [...this.model.params.list, ...this.estimator.params()];
  }

  tauAt(t: number): number {
    return tauAt(this.config, t);
  }

  slopeAt(t: number): number {
    return slopeAt(t, this.config.batch, this.train.n);
  }

  /** The training rows of step t (shared buffer): batch t mod E of epoch ⌊t/E⌋'s keyed permutation. */
  batchRows(t: number): Float32Array {
    return this.batcher.at(t).x;
  }

  /** One optimizer step; throws TrainingError (and changes nothing) if the loss is not finite. */
  trainStep(): StepResult & { values: { loss: number } } {
    const t = this.step;
    const tau = this.tauAt(t), slope = this.slopeAt(t);
    const rows = this.batchRows(t);
    const loss = scratchStep(() => {
      const { x, pass } = this.model.batch(rows, this.config.batch);
      const obj = this.estimator.objective(pass, foldIn(this.keys.step, t), { tau, slope }, x);
      const params = this.params();
      const grads = grad(obj.surrogate, params);
      const l = obj.loss.item(), s = obj.surrogate.item();
      if (!Number.isFinite(l) || !Number.isFinite(s)) {
        throw new TrainingError(
          `training stopped at step ${t}: the ${Number.isFinite(l) ? 'surrogate' : 'loss'} is ${Number.isFinite(l) ? s : l} ` +
            `(${this.config.model}/${this.config.latent}/${this.config.estimator}, τ = ${tau}, lr = ${this.config.lr}); ` +
            'try a smaller --lr; the last checkpoint is unchanged',
        );
      }
      this.optimizer.step(params, grads);
      return l;
    }, this.backend);
    this.step = t + 1;
    return { step: t, loss, tau, values: { loss } };
  }

  /** The importance-sampled metric (VAE −log p̂(x), SBN NLL) of the first `size` examples of ds (0: all), synchronously. */
  evaluate(ds: Dataset, samples: number, key: Key, size = 0): EvalResult {
    const ev = boundEvaluation(this.model, ds, samples, key, size);
    for (let start = 0; start < ev.n; start += ev.per) ev.slice(start, Math.min(ev.n, start + ev.per));
    return ev.result();
  }

  /** The periodic validation: m = validSamples on the first validSize validation examples, the same key each time. */
  validation(): Evaluation<EvalResult> {
    if (!this.valid) throw new ShapeError('Trainer.validation: the trainer was made without a validation set');
    return boundEvaluation(this.model, this.valid, this.config.validSamples, this.keys.valid, this.config.validSize);
  }

  validFields(v: EvalResult): { valid: number } {
    return { valid: v.mean };
  }

  validSummary(v: EvalResult, step: number): { value: number; samples: number; examples: number; step: number } {
    return { value: v.mean, samples: v.samples, examples: v.perExample.length, step };
  }

  checkpoint(extra: Record<string, unknown> = {}): CheckpointState {
    const opt = this.optimizer.state();
    return {
      config: { ...this.config },
      step: this.step,
      rng: { seed: this.config.seed, key: [this.keys.step[0], this.keys.step[1]] },
      schedule: { tau: this.tauAt(this.step), slope: this.slopeAt(this.step) },
      estimator: this.estimator.state(),
      optimizer: { name: this.optimizer.name, t: opt.t, buffers: opt.buffers },
      params: this.model.params.serialize(),
      estimatorParams: this.estimator.params().map((p) => Float32Array.from(p.data())),
      extra,
    };
  }

  /** Restores a checkpoint of this same configuration. */
  restore(s: CheckpointState, name = 'checkpoint'): void {
    const fail = (what: string) => new ShapeError(`Trainer.restore: ${name} ${what}`);
    for (const k of ['model', 'latent', 'estimator', 'optimizer', 'batch', 'seed', 'prior', 'units', 'vars', 'classes'] as const) {
      if (s.config[k] !== this.config[k]) throw fail(`was written for ${k} = ${JSON.stringify(s.config[k])}, this run has ${JSON.stringify(this.config[k])}`);
    }
    if (JSON.stringify(s.config.hidden) !== JSON.stringify(this.config.hidden)) throw fail(`has hidden layers ${JSON.stringify(s.config.hidden)}, this run has ${JSON.stringify(this.config.hidden)}`);
    if (s.rng.key[0] !== this.keys.step[0] || s.rng.key[1] !== this.keys.step[1]) throw fail('has another random key than this seed gives');
    this.model.params.load(s.params, name);
    const eps = this.estimator.params();
    if (eps.length !== s.estimatorParams.length) throw fail(`has ${s.estimatorParams.length} estimator parameters, the estimator has ${eps.length}`);
    eps.forEach((p, i) => {
      if (p.size !== s.estimatorParams[i].length) throw fail(`estimator parameter ${i} has ${s.estimatorParams[i].length} values, expected ${p.size}`);
      p.backend.write(p.buf, s.estimatorParams[i]);
    });
    this.optimizer.init(this.params());
    const cur = this.optimizer.state();
    if (s.optimizer.name !== this.optimizer.name || cur.buffers.length !== s.optimizer.buffers.length) {
      throw fail(`has ${s.optimizer.name} state with ${s.optimizer.buffers.length} buffers, this optimizer has ${cur.buffers.length}`);
    }
    this.optimizer.loadState({ t: s.optimizer.t, buffers: s.optimizer.buffers });
    this.estimator.loadState(s.estimator);
    this.step = s.step;
  }
}
