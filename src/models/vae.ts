// The paper's VAE (Jang, Gu & Poole 2017, §4.2): q(z|x) and p(x|z) are affine maps between 784
// binary pixels and one discrete latent layer (200 Bernoulli units, or 20 categorical variables of
// 10 classes), with a learned discrete prior p(z) (one logit per unit / per class) and the KL term
// computed analytically between the discrete q and p. `hidden: [512, 256]` gives the reference
// notebook's ReLU MLPs (decoder mirrored). f = −ELBO = −log p(x|z) + KL(q(z|x) ‖ p(z)), per example.
// kl: 'sampled' puts the one-sample KL, log q(z|x) − log p(z) at the discrete z, into f instead (NVIL's
// learning signal, Mnih & Gregor 2014). Score-function estimators need it: variance normalisation
// divides their learning signal by max(1, √v) ≈ 10–30 on this model, and with the analytic KL only
// the reconstruction part of the encoder's gradient shrinks while the KL's pathwise gradient stays
// whole, so the encoder follows the KL to the prior and the posterior collapses (SF: KL 0.4–2 nats,
// validation 190–196 after 3,000 steps with Adam or SGD; with 'sampled': 144, KL 11–21).
// Evaluation: −log((1/m) Σ_i p(x, z_i)/q(z_i|x)) with discrete z_i ~ q(z|x).
import type { Backend } from '../backend.js';
import { discrete } from '../distributions/index.js';
import { noGrad } from '../autograd/tape.js';
import { getBackend, step } from '../engine.js';
import { ArgumentError, ShapeError, checkNumber, fmtShape } from '../errors.js';
import type { LatentSpec, Pass } from '../estimators/estimator.js';
import { MLP } from '../nn/linear.js';
import { Params } from '../nn/params.js';
import { add, klBernoulli, klCategorical, logSoftmax, mul, relu, reshape, sigmoid, sigmoidCrossEntropyRows, softplus, sparseMatmul, sub, sum, tensor, zeros } from '../ops.js';
import { foldIn, type Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import {
  type Batch, type EvalOptions, type EvalResult, type LatentKind, type LatentSize, type Model,
  bernoulliNll, importanceEvaluate, latentLayer, logitOfMean,
} from './common.js';

export type PriorKind = 'learned' | 'uniform';
export type KlForm = 'analytic' | 'sampled';

export interface VaeOptions extends LatentSize {
  /** Pixels per example (default 784). */
  dim?: number;
  /** Deterministic ReLU hidden layers of the encoder (the decoder mirrors them); default none (the paper). */
  hidden?: number[];
  /** 'learned' (default, the paper's v5): trainable prior logits; 'uniform': fixed uniform prior. */
  prior?: PriorKind;
  /** 'analytic' (default): KL(q ‖ p) in closed form; 'sampled': log q(z|x) − log p(z) at the discrete z (score-function estimators). */
  kl?: KlForm;
  /** Parameter initialisation key. */
  key: Key;
  /** Training rows [n, dim]: the decoder's output bias starts at the logit of their mean. */
  initData?: Float32Array;
  backend?: Backend;
}

export class VAE implements Model {
  readonly name = 'vae';
  readonly latent: LatentKind;
  readonly params: Params;
  readonly dim: number;
  /** The VAE's x is the whole image. */
  get inDim(): number {
    return this.dim;
  }
  readonly spec: LatentSpec;
  /** Width of the latent layer (units, or vars·classes). */
  readonly width: number;
  readonly prior: PriorKind;
  readonly klForm: KlForm;
  readonly encoder: MLP;
  readonly decoder: MLP;
  /** Prior logits [width] (learned prior only). */
  readonly priorLogits: Tensor | null;
  private readonly be: Backend;

  constructor(opts: VaeOptions) {
    this.be = opts.backend ?? getBackend();
    this.latent = opts.kind;
    this.dim = checkNumber('VAE', 'dim', opts.dim ?? 784, { integer: true, positive: true });
    const hidden = opts.hidden ?? [];
    for (const h of hidden) checkNumber('VAE', 'hidden size', h, { integer: true, positive: true });
    this.prior = opts.prior ?? 'learned';
    if (this.prior !== 'learned' && this.prior !== 'uniform') throw new ArgumentError(`VAE: prior must be 'learned' or 'uniform', found '${String(this.prior)}'`);
    this.klForm = opts.kl ?? 'analytic';
    if (this.klForm !== 'analytic' && this.klForm !== 'sampled') throw new ArgumentError(`VAE: kl must be 'analytic' or 'sampled', found '${String(this.klForm)}'`);
    ({ spec: this.spec, width: this.width } = latentLayer(opts));
    this.params = new Params(this.be);
    const bias = opts.initData ? logitOfMean(opts.initData, this.dim) : undefined;
    this.encoder = new MLP(this.params, 'encoder', [this.dim, ...hidden, this.width], foldIn(opts.key, 0));
    this.decoder = new MLP(this.params, 'decoder', [this.width, ...[...hidden].reverse(), this.dim], foldIn(opts.key, 1), 'relu', bias);
    this.priorLogits = this.prior === 'learned' ? this.params.add('prior.logits', new Float32Array(this.width), [this.width]) : null;
  }

  /** Prior logits for `rows` rows [rows, width]. */
  private priorFor(rows: number): Tensor {
    const z = zeros([rows, this.width], { backend: this.be });
    return this.priorLogits ? add(z, this.priorLogits) : z;
  }

  /** KL(q(z|x) ‖ p(z)) per example, analytic over the discrete distributions: [B]. */
  kl(qLogits: Tensor): Tensor {
    const p = this.priorFor(qLogits.shape[0]);
    return sum(this.spec.kind === 'categorical' ? klCategorical(qLogits, p, this.spec.k) : klBernoulli(qLogits, p), -1);
  }

  /** The pass for a batch x [B, dim]: f = −log p(x|z) + KL(q(z|x) ‖ p(z)) per example (the KL analytic or sampled: see the header). */
  pass(x: Tensor): Pass {
    if (x.rank !== 2 || x.shape[1] !== this.dim) throw new ShapeError(`VAE.pass: x must be [B, ${this.dim}], found ${fmtShape(x.shape)}`);
    return (latent) => {
      const q = this.encoder.forward(x);
      const z = latent(q, this.spec);
      const kl = this.klForm === 'analytic' ? this.kl(q) : sub(discrete(q, this.spec).logProb(z), discrete(this.priorFor(q.shape[0]), this.spec).logProb(z));
      return add(bernoulliNll(this.decoder.forward(z), x), kl);
    };
  }

  batch(data: Float32Array, rows: number): Batch {
    const x = tensor(data.subarray(0, rows * this.dim), [rows, this.dim], { backend: this.be });
    return { x, pass: this.pass(x) };
  }

  evaluate(data: Float32Array, opts: EvalOptions): EvalResult {
    return importanceEvaluate(this.be, data, this.dim, opts, (rows, e, repeat, key) => {
      const x = tensor(rows, [e, this.dim], { backend: this.be });
      const q = this.encoder.forward(x), p = this.priorFor(e);
      // log p(z) − log q(z|x) = z·a + c per example, computed once per example and repeated:
      // categorical a = log softmax(p) − log softmax(q), c = 0; Bernoulli a = p − q, c = Σ softplus(q) − softplus(p).
      const k = this.spec.kind === 'categorical' ? this.spec.k : 0;
      const a = k ? sub(logSoftmax(p, k), logSoftmax(q, k)) : sub(p, q);
      const z = discrete(sparseMatmul(repeat, q), this.spec).sample(key);
      let logRatio = sum(mul(z, sparseMatmul(repeat, a)), -1);
      if (!k) logRatio = add(logRatio, reshape(sparseMatmul(repeat, reshape(sub(sum(softplus(q), -1), sum(softplus(p), -1)), [e, 1])), [z.shape[0]]));
      return sub(logRatio, sigmoidCrossEntropyRows(this.decodeSamples(z), x, z.shape[0] / e));
    });
  }

  /**
   * decoder(z) for discrete z. One-hot z: the first layer visits only z's non-zeros (20 of 200).
   * Binary z is about half ones: a sparse product saves little there and would give up the threaded matmul.
   */
  private decodeSamples(z: Tensor): Tensor {
    if (this.spec.kind === 'bernoulli') return this.decoder.forward(z);
    const [first, ...rest] = this.decoder.layers;
    let h = sparseMatmul(z, first.w, first.b);
    for (const l of rest) h = l.forward(relu(h));
    return h;
  }

  /** n images of pixel probabilities σ(decoder(z)), z ~ p(z) discrete: [n, dim]. */
  sample(n: number, key: Key): Float32Array {
    checkNumber('VAE.sample', 'n', n, { integer: true, positive: true });
    return step(() => noGrad(() => {
      const z = discrete(this.priorFor(n), this.spec).sample(key);
      return Float32Array.from(sigmoid(this.decoder.forward(z)).data());
    }), this.be);
  }
}
