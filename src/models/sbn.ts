// Structured output prediction with a sigmoid belief net (Jang, Gu & Poole 2017, §4.1, after Raiko
// et al. 2014 and MuProp): predict the lower half of an image from its upper half through two
// stochastic layers, each an affine map followed by a stochastic layer:
//   Bernoulli   392 → 200 → 200 → 392        categorical   392 → (20×10) → (20×10) → 392.
// There is no inference network: h ~ p(h | upper) is the model. f = −log p(lower | h2) per example.
// Evaluation: NLL = −log((1/m) Σ_i p(lower | h_i)), h_i ~ p(h | upper) discrete (log-mean-exp).
import type { Backend } from '../backend.js';
import { discrete } from '../distributions/index.js';
import { noGrad } from '../autograd/tape.js';
import { getBackend, step } from '../engine.js';
import { ShapeError, checkNumber, fmtShape } from '../errors.js';
import type { Latent, LatentSpec, Pass } from '../estimators/estimator.js';
import { Linear } from '../nn/linear.js';
import { Params } from '../nn/params.js';
import { neg, sigmoid, sigmoidCrossEntropyRows, sparseMatmul, tensor } from '../ops.js';
import { foldIn, type Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import {
  type Batch, type EvalOptions, type EvalResult, type LatentKind, type LatentSize, type Model,
  bernoulliNll, columns, importanceEvaluate, latentLayer, logitOfMean,
} from './common.js';

export interface SbnOptions extends LatentSize {
  /** Input values per example: the upper half (default 392). */
  inDim?: number;
  /** Target values per example: the lower half (default 392). A data row is [input | target]. */
  outDim?: number;
  /** Parameter initialisation key. */
  key: Key;
  /** Training rows [n, inDim + outDim]: the output bias starts at the logit of the targets' mean. */
  initData?: Float32Array;
  backend?: Backend;
}

export class SBN implements Model {
  readonly name = 'sbn';
  readonly latent: LatentKind;
  readonly params: Params;
  readonly inDim: number;
  readonly outDim: number;
  readonly spec: LatentSpec;
  readonly width: number;
  readonly layers: [Linear, Linear, Linear];
  private readonly be: Backend;

  constructor(opts: SbnOptions) {
    this.be = opts.backend ?? getBackend();
    this.latent = opts.kind;
    this.inDim = checkNumber('SBN', 'inDim', opts.inDim ?? 392, { integer: true, positive: true });
    this.outDim = checkNumber('SBN', 'outDim', opts.outDim ?? 392, { integer: true, positive: true });
    ({ spec: this.spec, width: this.width } = latentLayer(opts));
    this.params = new Params(this.be);
    const bias = opts.initData ? logitOfMean(opts.initData, this.dim, this.inDim, this.dim) : undefined;
    this.layers = [
      new Linear(this.params, 'layer0', this.inDim, this.width, foldIn(opts.key, 0)),
      new Linear(this.params, 'layer1', this.width, this.width, foldIn(opts.key, 1)),
      new Linear(this.params, 'out', this.width, this.outDim, foldIn(opts.key, 2), bias),
    ];
  }

  get dim(): number {
    return this.inDim + this.outDim;
  }

  /** Logits of the target pixels given the input, with each stochastic layer obtained through `latent`. */
  private forward(upper: Tensor, latent: Latent): Tensor {
    const h1 = latent(this.layers[0].forward(upper), this.spec);
    const h2 = latent(this.layers[1].forward(h1), this.spec);
    return this.layers[2].forward(h2);
  }

  /** The pass for upper [B, inDim] and lower [B, outDim]: f = −log p(lower | h2) per example. */
  pass(upper: Tensor, lower: Tensor): Pass {
    if (upper.rank !== 2 || upper.shape[1] !== this.inDim) throw new ShapeError(`SBN.pass: upper must be [B, ${this.inDim}], found ${fmtShape(upper.shape)}`);
    if (lower.rank !== 2 || lower.shape[1] !== this.outDim || lower.shape[0] !== upper.shape[0]) {
      throw new ShapeError(`SBN.pass: lower must be [${upper.shape[0]}, ${this.outDim}], found ${fmtShape(lower.shape)}`);
    }
    return (latent) => bernoulliNll(this.forward(upper, latent), lower);
  }

  /** Host staging for split(): tensor() copies it into the backend at once, so one buffer serves every call. */
  private staging = new Float32Array(0);

  /** Splits host rows [rows, inDim + outDim] into input and target tensors. */
  private split(data: Float32Array, rows: number): { upper: Tensor; lower: Tensor } {
    const o = { backend: this.be };
    if (this.staging.length < rows * Math.max(this.inDim, this.outDim)) this.staging = new Float32Array(rows * Math.max(this.inDim, this.outDim));
    return {
      upper: tensor(columns(data, rows, this.dim, 0, this.inDim, this.staging), [rows, this.inDim], o),
      lower: tensor(columns(data, rows, this.dim, this.inDim, this.dim, this.staging), [rows, this.outDim], o),
    };
  }

  batch(data: Float32Array, rows: number): Batch {
    const { upper, lower } = this.split(data, rows);
    return { x: upper, pass: this.pass(upper, lower) };
  }

  evaluate(data: Float32Array, opts: EvalOptions): EvalResult {
    return importanceEvaluate(this.be, data, this.dim, opts, (rows, e, repeat, key) => {
      const { upper, lower } = this.split(rows, e);
      const [k1, k2] = [foldIn(key, 1), foldIn(key, 2)];
      // The first layer's logits are the same for every sample of an example: compute once, repeat.
      // One-hot h: layers 1 and 2 visit only its non-zeros (binary h is about half ones: the threaded matmul).
      const layer = (i: 1 | 2, h: Tensor) => (this.spec.kind === 'categorical' ? sparseMatmul(h, this.layers[i].w, this.layers[i].b) : this.layers[i].forward(h));
      const h1 = discrete(sparseMatmul(repeat, this.layers[0].forward(upper)), this.spec).sample(k1);
      const h2 = discrete(layer(1, h1), this.spec).sample(k2);
      return neg(sigmoidCrossEntropyRows(layer(2, h2), lower, h1.shape[0] / e));
    });
  }

  /** Completions of the first n rows of `data`: the given input half, then σ(logits) of the target half for one discrete h. */
  sample(n: number, key: Key, data?: Float32Array): Float32Array {
    checkNumber('SBN.sample', 'n', n, { integer: true, positive: true });
    if (!data || data.length < n * this.dim) throw new ShapeError(`SBN.sample: data must hold ${n} rows of ${this.dim} values to complete, found ${data?.length ?? 0} values`);
    const probs = step(() => noGrad(() => {
      const { upper } = this.split(data, n);
      let i = 0;
      const sampled: Latent = (logits, spec) => discrete(logits, spec).sample(foldIn(key, i++));
      return sigmoid(this.forward(upper, sampled)).data();
    }), this.be);
    const out = new Float32Array(n * this.dim);
    for (let r = 0; r < n; r++) {
      out.set(data.subarray(r * this.dim, r * this.dim + this.inDim), r * this.dim);
      out.set(probs.subarray(r * this.outDim, (r + 1) * this.outDim), r * this.dim + this.inDim);
    }
    return out;
  }
}
